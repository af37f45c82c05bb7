import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;
interface ApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * Checks real answers against the API document (`/docs-json`): strictly, so
 * a field the document does not declare fails, and so does a declared field
 * that is missing (every declared property is required, nullable ones too).
 * Only objects whose schema lists no `additionalProperties` are closed.
 */
export class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: ApiDocument) {
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) this.ajv.addSchema(closed(schema), `#/components/schemas/${name}`);
  }

  /** The errors of `body` as the answer `status` of `method route` (route as in the document: /v1/statements/{id}); [] when it conforms. */
  check(method: string, route: string, status: number, body: unknown): string[] {
    const key = `${method} ${route} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const schema = this.document.paths[route]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
      if (!schema) return [`${key}: the document declares no JSON schema for this answer`];
      validate = this.ajv.compile(closed(schema));
      this.compiled.set(key, validate);
    }
    return validate(body)
      ? []
      : (validate.errors ?? []).map((error) => `${key}: ${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  }
}

/** A copy of the schema in which every object without additionalProperties is closed and requires all its properties. */
function closed(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map((item) => closed(item as Schema)) as unknown as Schema;
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') copy[key] = value;
    else if (key === 'properties')
      copy[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, property]) => [name, closed(property)]));
    else copy[key] = typeof value === 'object' && value !== null ? closed(value as Schema) : value;
  }
  if (copy.properties && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
    copy.required = Object.keys(copy.properties);
  }
  // OpenAPI 3.0's nullable, as JSON Schema; a reference (allOf: [$ref]) is wrapped in anyOf with null.
  if (copy.nullable === true) {
    delete copy.nullable;
    if (copy.allOf || copy.$ref || typeof copy.type !== 'string') return { anyOf: [copy, { type: 'null' }] };
    copy.type = [copy.type, 'null'];
    if (Array.isArray(copy.enum)) copy.enum = [...(copy.enum as unknown[]), null];
  }
  return copy;
}
