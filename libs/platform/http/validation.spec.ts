import 'reflect-metadata';
import { IsInt, IsString, Min, validate, ValidatorConstraint, ValidatorConstraintInterface, Validate } from 'class-validator';
import { createValidationPipe, rememberValidationMetadata } from './validation';
import { InvalidInputError } from '../../shared-kernel/errors';

class Body {
  @IsString() name!: string;
  @IsInt() @Min(1) count!: number;
}

describe('validation: DTO rules looked up once per class, the same 400 answers', () => {
  it('answers the same details before and after the rules are remembered, and repeats them', async () => {
    const pipe = createValidationPipe();
    rememberValidationMetadata(); // twice is once
    const metadata = { type: 'body' as const, metatype: Body };
    const refused = async (value: unknown) => {
      try {
        await pipe.transform(value, metadata);
      } catch (error) {
        return (error as InvalidInputError).details;
      }
      throw new Error('accepted');
    };
    const expected = [
      { field: 'extra', rule: 'unknownField', message: 'extra is not a known field' },
      { field: 'count', rule: 'min', message: 'count must not be less than 1' },
    ];
    expect(await refused({ name: 'a', count: 0, extra: 1 })).toEqual(expected);
    expect(await refused({ name: 'a', count: 0, extra: 1 })).toEqual(expected);
    await expect(pipe.transform({ name: 'a', count: 2 }, metadata)).resolves.toEqual(Object.assign(new Body(), { name: 'a', count: 2 }));
  });

  it('forgets what it remembered when a rule is added later (a class decorated after the first validation)', async () => {
    rememberValidationMetadata();
    class Late {
      @IsString() code!: string;
    }
    expect(await validate(Object.assign(new Late(), { code: 'x' }))).toEqual([]);
    @ValidatorConstraint({ name: 'notX' })
    class NotX implements ValidatorConstraintInterface {
      validate(value: unknown) {
        return value !== 'x';
      }
    }
    // A rule added to the class after it was validated once (as a decorator applied late would).
    Validate(NotX)(Late.prototype, 'code');
    const errors = await validate(Object.assign(new Late(), { code: 'x' }));
    expect(errors.map((e) => Object.keys(e.constraints ?? {}))).toEqual([['notX']]);
  });
});
