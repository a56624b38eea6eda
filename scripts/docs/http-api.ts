import { loadConfig } from '../../config/load.js';
import { openApiDocument } from '../../service/api-document.js';
import { fieldRows, GENERATED, type Schema, table, typeText } from './markdown.js';

// docs/http-api.md from the OpenAPI document the service serves at /openapi.json: every route by tag,
// with its auth, parameters, body fields and answers, then every schema the answers name.

type Operation = {
  tags?: string[];
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const anchor = (name: string) => `schema-${name.toLowerCase()}`;

function bodyText(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.properties) {
    const fields = Object.entries(schema.properties).map(([name, field]) => `${name}: ${typeText(field, anchor)}`);
    return `{${fields.join(', ')}}`;
  }
  return typeText(schema, anchor);
}

function operationText(method: string, path: string, op: Operation): string {
  const out = [`### \`${method.toUpperCase()} ${path}\``, '', op.summary ?? '', ''];
  out.push(op.security?.length ? 'Auth: `Authorization: Bearer <token>`.' : 'Auth: none.', '');
  const params = op.parameters ?? [];
  if (params.length) {
    out.push(
      table(
        ['parameter', 'in', 'type', 'required'],
        params.map((p) => [`\`${p.name}\``, p.in, typeText(p.schema, anchor), p.required ? 'yes' : 'no']),
      ),
      '',
    );
  }
  const body = op.requestBody?.content['application/json']?.schema;
  if (body) out.push('Body (JSON):', '', table(['field', 'type', 'required', 'about'], fieldRows(body, anchor)), '');
  out.push(
    table(
      ['status', 'meaning', 'body'],
      Object.entries(op.responses).map(([status, response]) => [
        status,
        response.description,
        bodyText(response.content?.['application/json']?.schema ?? response.content?.['text/plain']?.schema),
      ]),
    ),
    '',
  );
  return out.join('\n');
}

export async function httpApiPage(): Promise<string> {
  const { config } = await loadConfig({ cwd: '/nonexistent', env: {} });
  const doc = openApiDocument(config) as unknown as Document;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationText(method, path, op)]);
    }
  }
  const out = [
    GENERATED('the OpenAPI document (service/routes, GET /openapi.json)'),
    '',
    '# HTTP API',
    '',
    'JSON under `/api/v1` (SPEC §6). Errors are always `{"error": {"code", "message"}}` (400 adds `field`); a',
    'resource the caller may not see is a 404. The same document is served live at `GET /openapi.json`, and',
    'rendered at `GET /docs`.',
    '',
  ];
  for (const [tag, operations] of byTag) out.push(`## ${tag}`, '', ...operations);
  out.push('## Schemas', '');
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    out.push(
      `<a id="${anchor(name)}"></a>`,
      '',
      `### ${name}`,
      '',
      table(['field', 'type', 'required', 'about'], fieldRows(schema, anchor)),
      '',
    );
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
