/** The authenticated user a use case runs for. */
export interface Actor {
  id: number;
  username: string;
}
