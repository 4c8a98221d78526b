import 'reflect-metadata';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { InvalidInputError } from '../../shared-kernel/errors';
import { declaredQueryParameters, QueryParametersGuard, unknownParameters, unknownParametersError } from './query-parameters.guard';

class ListQuery {
  @IsOptional()
  @IsString()
  status?: string;

  @IsOptional()
  @IsString()
  sort?: string;
}

@Controller('v1')
class Sample {
  @Get('named')
  named(@Param('id') _id: string, @Query('limit') _limit?: string, @Query('cursor') _cursor?: string) {}

  @Get('none')
  none() {}

  @Get('dto')
  dto(@Query() _query: ListQuery, @Query('limit') _limit?: string) {}

  @Get('whole')
  whole(@Query() _query: Record<string, string>) {}
}

const prototype = Sample.prototype as unknown as Record<string, Function>;

function contextOf(handler: string, url: string, query: Record<string, unknown>) {
  return {
    getType: () => 'http',
    getClass: () => Sample,
    getHandler: () => prototype[handler],
    switchToHttp: () => ({ getRequest: () => ({ url, query }) }),
  } as never;
}

describe('QueryParametersGuard', () => {
  it('reads the parameters a handler declares with @Query(name)', () => {
    expect(declaredQueryParameters(Sample, prototype.named)).toEqual(new Set(['limit', 'cursor']));
    expect(declaredQueryParameters(Sample, prototype.none)).toEqual(new Set());
  });

  it("takes a DTO's properties for @Query() with a DTO, and anything for a plain object", () => {
    expect(declaredQueryParameters(Sample, prototype.dto)).toEqual(new Set(['status', 'sort', 'limit']));
    expect(declaredQueryParameters(Sample, prototype.whole)).toBe('any');
  });

  it('names every unknown parameter with the rule unknownParameter and what the route takes', () => {
    const allowed = new Set(['limit', 'cursor']);
    expect(unknownParameters(['limit', 'limt', 'asOf'], allowed)).toEqual(['limt', 'asOf']);
    expect(unknownParameters(['anything'], 'any')).toEqual([]);
    const error = unknownParametersError(['limt'], allowed);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.details).toEqual([{ field: 'limt', rule: 'unknownParameter', message: 'limt is not a known query parameter (this route takes cursor, limit)' }]);
    expect(unknownParametersError(['x'], new Set()).details[0].message).toContain('this route takes no query parameters');
  });

  it('refuses unknown parameters of /v1 routes before the handler runs, and leaves other paths alone', () => {
    const guard = new QueryParametersGuard();

    expect(() => guard.canActivate(contextOf('named', '/v1/named?limt=1', { limt: '1' }))).toThrow(InvalidInputError);
    expect(guard.canActivate(contextOf('named', '/v1/named?limit=1', { limit: '1' }))).toBe(true);
    expect(guard.canActivate(contextOf('none', '/portal?tenant=t', { tenant: 't' }))).toBe(true);
    expect(guard.canActivate(contextOf('whole', '/v1/whole?x=1', { x: '1' }))).toBe(true);
  });
});
