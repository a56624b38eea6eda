/** A stored timestamp (epoch milliseconds, as the data layer reads every timestamp) as ISO 8601 UTC. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : iso(ms);
}
