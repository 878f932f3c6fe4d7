import { describe, expect, it } from 'vitest';
import { parseTscOutput } from '../../src/targets/code/type-check.ts';

describe('ldfi check: the compiler output as problems', () => {
  it('in source order, without the implicit any that follows from another error on its line', () => {
    const out = [
      "p.ts(9,3): error TS2353: Object literal may only specify known properties, and 'onMesage' does not exist in type 'Handlers'.",
      "p.ts(9,13): error TS7006: Parameter 'ctx' implicitly has an 'any' type.",
      "p.ts(4,20): error TS2322: Type 'string' is not assignable to type 'number'.",
      '  continued on a second line',
      "p.ts(12,8): error TS7006: Parameter 'm' implicitly has an 'any' type.",
      "p.ts(4,2): error TS2304: Cannot find name 'sned'.",
    ].join('\n');
    expect(parseTscOutput(out, 'p.ts').map((p) => `${p.line}:${p.column} ${p.message.split(' ')[0]}`)).toEqual(['4:2 Cannot', '4:20 Type', '9:3 Object', '12:8 Parameter']);
    expect(parseTscOutput(out, 'p.ts')[1].message).toBe("Type 'string' is not assignable to type 'number'. (TS2322)\n  continued on a second line");
  });
});
