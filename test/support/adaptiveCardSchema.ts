import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { haveSpecs, readSpec } from './specs.js';

type Json = Record<string, unknown>;

/**
 * A validator for ../shared/specs/adaptive-card-1.5.schema.json (draft-06), allowing Teams'
 * `msteams` extension on the card itself. Undefined when the specs are absent.
 */
export function adaptiveCardValidator(): ValidateFunction | undefined {
  if (!haveSpecs) return undefined;
  const schema = readSpec<Json & { definitions: Record<string, Json & { properties: Json }> }>(
    'adaptive-card-1.5.schema.json',
  );
  const extended = structuredClone(schema);
  extended.definitions.AdaptiveCard!.properties.msteams = { type: 'object' };
  // The file names itself with draft-04's `id`; Ajv 8 only understands `$id`.
  delete extended.id;
  extended.$id = String(schema.id);
  const require = createRequire(import.meta.url);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  return ajv.compile(extended);
}
