import Mustache from 'mustache';
import { InvalidInputError } from '../../shared-kernel/errors';
import { EmailTemplate, TEMPLATE_MAX_LENGTH, TemplateName, variablesOf } from '../domain';

type Field = keyof typeof TEMPLATE_MAX_LENGTH;
type Token = [string, string, number, number, Token[]?, number?];

/**
 * A template as given to PUT /v1/email-templates/{name}: Mustache (`{{variable}}`, HTML-escaped in `html`; sections
 * `{{#x}}…{{/x}}`). Refused with the field and the rule: `required`/`string`/`maxLength`, `templateSyntax` (it does
 * not parse), `knownVariable` (a variable the notice does not give).
 */
export function validTemplate(notice: TemplateName, input: { subject?: unknown; text?: unknown; html?: unknown }): EmailTemplate {
  const subject = checked(notice, 'subject', input.subject, true)!;
  const text = checked(notice, 'text', input.text, true)!;
  const html = checked(notice, 'html', input.html, false);
  return { subject, text, html };
}

function checked(notice: TemplateName, field: Field, value: unknown, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw InvalidInputError.forField(field, 'required', `${field} is required`);
    return null;
  }
  if (typeof value !== 'string' || (required && value.trim() === '')) throw InvalidInputError.forField(field, 'string', `${field} must be a non-empty string`);
  if (value.length > TEMPLATE_MAX_LENGTH[field]) throw InvalidInputError.forField(field, 'maxLength', `${field} must be at most ${TEMPLATE_MAX_LENGTH[field]} characters`);
  let tokens: Token[];
  try {
    tokens = Mustache.parse(value) as Token[];
  } catch (error) {
    throw InvalidInputError.forField(field, 'templateSyntax', `${field} is not a valid template: ${(error as Error).message}`);
  }
  const known = variablesOf(notice);
  for (const name of variables(tokens)) {
    if (!known.includes(name)) {
      throw InvalidInputError.forField(field, 'knownVariable', `${field} uses {{${name}}}, which the ${notice} template is not given (its variables: ${known.join(', ')})`);
    }
  }
  return value;
}

/** The top-level names a template reads (`a.b` reads `a`; `.` inside a section is the section's own value). */
function variables(tokens: Token[]): string[] {
  const names: string[] = [];
  for (const token of tokens) {
    const [type, value] = token;
    if (['name', '&', '{', '#', '^'].includes(type) && value !== '.') names.push(value.split('.')[0]);
    if (token[4]) names.push(...variables(token[4]));
  }
  return names;
}

/** Renders a validated template; `html` HTML-escapes, `subject` and `text` do not (they are plain text). */
export function render(template: EmailTemplate, view: Record<string, unknown>): EmailTemplate {
  const plain = (source: string) => Mustache.render(source, view, undefined, { escape: (value: unknown) => String(value) });
  return { subject: plain(template.subject).replace(/[\r\n]+/g, ' ').trim(), text: plain(template.text), html: template.html === null ? null : Mustache.render(template.html, view) };
}
