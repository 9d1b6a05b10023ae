/**
 * A checker for Block Kit limits, for tests (ours and the end-to-end ones that capture what
 * the bot sends): returns one message per violation, empty when everything fits.
 */
import { LIMITS } from '../../adapters/slack/render/mrkdwn.js';

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const textOf = (x: unknown): string | undefined => (isObj(x) && typeof x.text === 'string' ? x.text : undefined);

export function limitViolations(
  target: unknown,
  kind: 'message' | 'view' = isObj(target) && typeof target.type === 'string' ? 'view' : 'message',
): string[] {
  const out: string[] = [];
  const max = (what: string, s: string | undefined, n: number) => {
    if (s !== undefined && s.length > n) out.push(`${what}: ${s.length} > ${n}`);
  };
  const blocks: unknown[] = Array.isArray(target)
    ? target
    : isObj(target) && Array.isArray(target.blocks)
      ? target.blocks
      : [];
  const maxBlocks = kind === 'view' ? LIMITS.viewBlocks : LIMITS.messageBlocks;
  if (blocks.length > maxBlocks) out.push(`blocks: ${blocks.length} > ${maxBlocks}`);
  if (isObj(target) && kind === 'view') {
    for (const k of ['title', 'submit', 'close']) max(`view.${k}`, textOf(target[k]), LIMITS.viewTitle);
    if (typeof target.private_metadata === 'string')
      max('private_metadata', target.private_metadata, LIMITS.privateMetadata);
    if (typeof target.callback_id === 'string') max('callback_id', target.callback_id, LIMITS.callbackId);
  }
  const blockIds = new Set<string>();
  const option = (where: string, o: unknown) => {
    if (!isObj(o)) return;
    const t = textOf(o.text);
    if (isObj(o.text) && o.text.type === 'plain_text') max(`${where} option text`, t, LIMITS.optionText);
    max(`${where} option value`, typeof o.value === 'string' ? o.value : undefined, LIMITS.optionValue);
    max(`${where} option description`, textOf(o.description), LIMITS.optionText);
  };
  const element = (where: string, e: unknown) => {
    if (!isObj(e)) return;
    if (typeof e.action_id === 'string') max(`${where} action_id`, e.action_id, LIMITS.actionId);
    if (e.type === 'button') {
      max(`${where} button text`, textOf(e.text), LIMITS.buttonText);
      max(`${where} button value`, typeof e.value === 'string' ? e.value : undefined, LIMITS.buttonValue);
      max(`${where} button url`, typeof e.url === 'string' ? e.url : undefined, LIMITS.url);
    }
    if (Array.isArray(e.options)) {
      if (e.type === 'radio_buttons' && e.options.length > LIMITS.radioOptions)
        out.push(`${where} radio options: ${e.options.length} > ${LIMITS.radioOptions}`);
      if (e.options.length > LIMITS.options) out.push(`${where} options: ${e.options.length} > ${LIMITS.options}`);
      e.options.forEach((o) => {
        option(where, o);
      });
    }
    if (Array.isArray(e.option_groups)) {
      if (e.option_groups.length > LIMITS.optionGroups)
        out.push(`${where} option groups: ${e.option_groups.length} > ${LIMITS.optionGroups}`);
      e.option_groups.forEach((g) => {
        if (!isObj(g) || !Array.isArray(g.options)) return;
        if (g.options.length > LIMITS.options)
          out.push(`${where} group options: ${g.options.length} > ${LIMITS.options}`);
        g.options.forEach((o) => {
          option(where, o);
        });
      });
    }
    if (e.initial_option) option(where, e.initial_option);
    max(`${where} placeholder`, textOf(e.placeholder), LIMITS.placeholder);
  };
  blocks.forEach((b, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(b)) {
      out.push(`${where}: not an object`);
      return;
    }
    if (typeof b.block_id === 'string') {
      max(`${where} block_id`, b.block_id, LIMITS.blockId);
      if (blockIds.has(b.block_id)) out.push(`${where} duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'section':
        max(`${where} section text`, textOf(b.text), LIMITS.sectionText);
        if (Array.isArray(b.fields)) {
          if (b.fields.length > LIMITS.fields) out.push(`${where} fields: ${b.fields.length} > ${LIMITS.fields}`);
          b.fields.forEach((f) => {
            max(`${where} field`, textOf(f), LIMITS.fieldText);
          });
        }
        element(`${where}.accessory`, b.accessory);
        break;
      case 'header':
        max(`${where} header text`, textOf(b.text), LIMITS.headerText);
        break;
      case 'context':
        if (Array.isArray(b.elements)) {
          if (b.elements.length > LIMITS.contextElements)
            out.push(`${where} context elements: ${b.elements.length} > ${LIMITS.contextElements}`);
          b.elements.forEach((e) => {
            max(`${where} context text`, textOf(e), LIMITS.sectionText);
          });
        }
        break;
      case 'actions':
        if (Array.isArray(b.elements)) {
          if (b.elements.length > LIMITS.actionsElements)
            out.push(`${where} actions elements: ${b.elements.length} > ${LIMITS.actionsElements}`);
          const ids = new Set<string>();
          b.elements.forEach((e, j) => {
            element(`${where}.elements[${j}]`, e);
            const id = isObj(e) && typeof e.action_id === 'string' ? e.action_id : undefined;
            if (id && ids.has(id)) out.push(`${where} duplicate action_id ${id}`);
            if (id) ids.add(id);
          });
        }
        break;
      case 'input':
        max(`${where} label`, textOf(b.label), LIMITS.inputLabel);
        max(`${where} hint`, textOf(b.hint), LIMITS.inputLabel);
        element(`${where}.element`, b.element);
        break;
      default:
        break;
    }
    for (const t of [b.text, ...(Array.isArray(b.fields) ? b.fields : [])]) {
      if (isObj(t) && typeof t.text === 'string' && t.text.length === 0) out.push(`${where}: empty text`);
    }
  });
  return out;
}
