import { InvalidInputError } from '../../shared-kernel/errors';
import { render, validTemplate } from './templates';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).details?.map((d) => `${d.field}:${d.rule}`);
  }
  throw new Error('not refused');
};

describe('email templates (Mustache)', () => {
  it('takes the notice variables, sections and dotted names of them', () => {
    expect(validTemplate('invoicePosted', { subject: 'Invoice {{invoiceId}}', text: '{{#dueDate}}due {{.}}{{/dueDate}} {{total}}', html: '<b>{{accountName}}</b>' })).toEqual({
      subject: 'Invoice {{invoiceId}}',
      text: '{{#dueDate}}due {{.}}{{/dueDate}} {{total}}',
      html: '<b>{{accountName}}</b>',
    });
  });

  it('refuses syntax errors and unknown variables naming the field and the rule', () => {
    expect(refusal(() => validTemplate('invoicePosted', { subject: '{{#total}}', text: 'x' }))).toEqual(['subject:templateSyntax']);
    expect(refusal(() => validTemplate('invoicePosted', { subject: 'x', text: '{{paymentId}}' }))).toEqual(['text:knownVariable']);
    expect(refusal(() => validTemplate('paymentFailed', { subject: 'x', text: 'x', html: '{{^nope}}x{{/nope}}' }))).toEqual(['html:knownVariable']);
    expect(refusal(() => validTemplate('paymentFailed', { subject: 'x', text: 7 }))).toEqual(['text:string']);
    expect(refusal(() => validTemplate('paymentFailed', { subject: 'x'.repeat(501), text: 'x' }))).toEqual(['subject:maxLength']);
  });

  it('renders plain text unescaped, HTML escaped, and the subject on one line', () => {
    const out = render({ subject: 'Hi {{accountName}}\n!', text: 'A & {{accountName}}', html: '<p>{{accountName}}</p>' }, { accountName: 'Ada & <Co>' });
    expect(out).toEqual({ subject: 'Hi Ada & <Co> !', text: 'A & Ada & <Co>', html: '<p>Ada &amp; &lt;Co&gt;</p>' });
  });

  it("gives a dunning template (the built-in dunningNotice or a tenant's own name) the dunning variables", () => {
    const text = '{{accountName}}: step {{step}} on {{date}}, {{pastDue}} {{currency}} past due ({{processId}}, {{accountId}})';
    expect(validTemplate('dunningNotice', { subject: 'x', text }).text).toBe(text);
    expect(validTemplate('finalWarning', { subject: 'x', text }).text).toBe(text);
    expect(refusal(() => validTemplate('finalWarning', { subject: '{{invoiceId}}', text: 'x' }))).toEqual(['subject:knownVariable']);
    expect(refusal(() => validTemplate('webhookEndpointDisabled', { subject: 'x', text: '{{accountName}}' }))).toEqual(['text:knownVariable']);
  });
});
