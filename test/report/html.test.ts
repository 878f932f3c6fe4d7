import { beforeAll, describe, expect, it } from 'vitest';
import { formatFaults } from '../../src/injector/text.ts';
import { formatHtmlReport } from '../../src/report/html.ts';
import { search, type Counterexample, type SearchResult } from '../../src/search/index.ts';
import { DedalusTarget } from '../../src/targets/dedalus/target.ts';

const NAIVE = 'examples/dedalus/broadcast-naive.ded';
const NODES = ['a', 'b', 'c'];

// Written out here rather than imported, so a broken escaper in the module cannot pass its own test.
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function count(haystack: string, needle: string | RegExp): number {
  return typeof needle === 'string' ? haystack.split(needle).length - 1 : (haystack.match(needle) ?? []).length;
}

const VOID = new Set(['meta', 'br', 'link', 'img', 'input', 'hr']);

/** Every non-void tag closed in order; returns the first mismatch, or undefined. */
function unbalancedTag(html: string): string | undefined {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [, closing, name, attrs] = m;
    if (VOID.has(name.toLowerCase()) || attrs.trimEnd().endsWith('/')) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return `</${name}> at ${m.index}`;
  }
  return stack.length ? `unclosed <${stack.at(-1)}>` : undefined;
}

/** The page split into counterexample sections, in order. */
function sections(html: string): string[] {
  return html.split('<section class="cex"').slice(1).map((s) => s.slice(0, s.indexOf('</section>')));
}

async function run(eff: number, crashes = 1): Promise<SearchResult> {
  const target = new DedalusTarget([NAIVE], { eot: 4, eff, crashes, nodes: NODES, negativeSupport: true });
  return search(target, { strategy: 'ldfi', findAll: true, seed: '1' });
}

let r: SearchResult;
let html: string;
beforeAll(async () => {
  r = await run(2);
  html = formatHtmlReport(r);
});

describe('HTML report of a real search', () => {
  it('has counterexamples with omissions and a crash to draw (so the checks below are not vacuous)', () => {
    expect(r.status).toBe('counterexample');
    const all = r.counterexamples.flatMap((c) => c.messages);
    expect(all.some((m) => m.status === 'omitted')).toBe(true);
    expect(all.some((m) => m.status === 'sender-crashed')).toBe(true);
    expect(r.counterexamples.some((c) => c.faults.some((f) => f.kind === 'crash'))).toBe(true);
  });

  it('is one well-formed page with one diagram per counterexample', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(count(html, /<html[\s>]/g)).toBe(1);
    expect(count(html, '</html>')).toBe(1);
    expect(count(html, /<svg[\s>]/g)).toBe(r.counterexamples.length);
    expect(count(html, '</svg>')).toBe(r.counterexamples.length);
    expect(unbalancedTag(html)).toBeUndefined();
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('needs nothing from outside the file', () => {
    for (const bad of ['<script', '<link', 'http://', 'https://', '@import', ' src=']) expect(html).not.toContain(bad);
    expect(html).not.toMatch(/url\((?!#)/); // only in-page marker references
  });

  it('states the verdict, target, bounds, seed, runs and fault space', () => {
    expect(html).toContain(`✗ ${r.counterexamples.length} counterexamples after ${r.runs.length} runs (${r.hypotheses} hypotheses)`);
    expect(html).toContain(NAIVE);
    expect(html).toContain('EOT 4, EFF 2, crashes 1, nodes a,b,c');
    expect(html).toContain(`<dd>${r.seed}</dd>`);
    expect(html).toContain(`${r.faultSpace} schedules`);
  });

  it('gives each counterexample its faults, violations and pasteable replay line', () => {
    const secs = sections(html);
    expect(secs).toHaveLength(r.counterexamples.length);
    r.counterexamples.forEach((c, i) => {
      expect(secs[i]).toContain(`<code>${esc(formatFaults(c.faults))}</code>`);
      expect(secs[i]).toContain(`<code>${esc(c.replay)}</code>`);
      for (const v of c.violations) expect(secs[i]).toContain(esc(v.message));
    });
  });

  it('draws every message between nodes with its fate: one dashed arrow per omission, a mark per crash', () => {
    const secs = sections(html);
    r.counterexamples.forEach((c, i) => {
      const svg = secs[i];
      const wire = c.messages.filter((m) => m.from !== m.to);
      const of = (s: string) => wire.filter((m) => m.status === s).length;
      expect(count(svg, 'data-status="omitted"')).toBe(of('omitted'));
      expect(count(svg, 'stroke-dasharray')).toBe(of('omitted') + of('receiver-down'));
      expect(count(svg, 'data-status="delivered"')).toBe(of('delivered'));
      expect(count(svg, 'data-status="sender-crashed"')).toBe(of('sender-crashed'));
      expect(count(svg, 'class="lost"')).toBe(of('omitted') + of('receiver-down'));
      for (const m of wire) expect(svg).toContain(esc(m.content));
      const crashes = c.faults.filter((f) => f.kind === 'crash');
      expect(count(svg, '<g class="crash"')).toBe(crashes.length);
      for (const f of crashes) expect(svg).toContain(`<g class="crash" data-node="${f.node}" data-time="${f.time}">`);
    });
  });

  it('lays lanes out in node order and lets time flow downward', () => {
    const svg = sections(html)[0];
    const names = [...svg.matchAll(/<text class="node" x="([\d.]+)"[^>]*>([^<]*)</g)];
    expect(names.map((m) => m[2])).toEqual(NODES);
    const xs = names.map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (const m of svg.matchAll(/<g class="msg [^"]*"[^>]*>.*?<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/g)) {
      expect(Number(m[4])).toBeGreaterThan(Number(m[2]));
    }
  });

  it('lists every run with its fault set and whether it violated an invariant', () => {
    for (const run of r.runs) {
      const row = html.match(new RegExp(`<tr id="run-${run.index}" class="(\\w+)">(.*?)</tr>`))!;
      expect(row).not.toBeNull();
      expect(row[1]).toBe(run.violations.length > 0 ? 'violated' : 'passed');
      expect(row[2]).toContain(`<code>${esc(formatFaults(run.faults))}</code>`);
    }
  });
});

describe('escaping', () => {
  it('escapes program text wherever it appears', () => {
    const nasty = '<b>&"';
    const c0 = r.counterexamples[0];
    const cex: Counterexample = {
      ...c0,
      violations: [{ key: 'k', message: `pre(${nasty}) holds but post does not` }],
      messages: [...c0.messages, { from: 'a', to: 'b', sendTime: 2, deliverTime: 3, content: `m(${nasty})`, status: 'delivered' }],
      error: `threw ${nasty}`,
    };
    const variant: SearchResult = {
      ...r,
      target: { ...r.target, files: [`dir/${nasty}.ded`] },
      counterexamples: [cex],
      runs: [{ ...r.runs[0], violations: cex.violations }],
    };
    const page = formatHtmlReport(variant);
    expect(page).not.toContain(nasty);
    expect(page).toContain(`pre(${esc(nasty)}) holds but post does not`);
    expect(page).toContain(`m(${esc(nasty)})`);
    expect(page).toContain(`threw ${esc(nasty)}`);
    expect(page).toContain(`dir/${esc(nasty)}.ded`);
    expect(unbalancedTag(page)).toBeUndefined();
  });
});

describe('faults and messages beyond Dedalus (sim target)', () => {
  it('draws a lost message without a delivery time downward, a receiver-down loss, and fault windows as bands', () => {
    const cex: Counterexample = {
      ...r.counterexamples[0],
      faults: [
        { kind: 'restart', node: 'b', start: 30, end: 60 },
        { kind: 'partition', groups: [['a'], ['b', 'c']], start: 6, end: 13 },
      ],
      messages: [
        { from: 'a', to: 'c', sendTime: 6, deliverTime: 0, content: 'v', status: 'omitted', reason: 'partition {a}|{b,c} @6..13' },
        { from: 'a', to: 'b', sendTime: 41, deliverTime: 44, content: 'v', status: 'receiver-down' },
      ],
    };
    const page = formatHtmlReport({ ...r, bounds: { ...r.bounds, eot: 60 }, counterexamples: [cex] });
    const svg = sections(page)[0];
    const lines = [...svg.matchAll(/<g class="msg [^"]*"[^>]*>.*?<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/g)];
    expect(lines).toHaveLength(2);
    for (const m of lines) expect(Number(m[4])).toBeGreaterThan(Number(m[2]));
    expect(count(svg, 'stroke-dasharray')).toBe(2);
    expect(svg).toContain('<g class="window restart"><title>restart b @30..60</title>');
    expect(svg).toContain('<g class="window partition"><title>partition {a}|{b,c} @6..13</title>');
    expect(svg).toContain('by partition {a}|{b,c} @6..13'); // the tooltip names the fault that lost it
    expect(svg).not.toContain('>@0<'); // no row for the meaningless delivery time
    expect(unbalancedTag(page)).toBeUndefined();
  });
});

describe('other verdicts', () => {
  it('says resilient, with no counterexample sections, when nothing within the bounds breaks it', async () => {
    const resilient = await run(1, 0);
    expect(resilient.status).toBe('resilient');
    const page = formatHtmlReport(resilient);
    expect(page).toContain('✓ resilient within the bounds');
    expect(sections(page)).toHaveLength(0);
    expect(page).not.toContain('<svg');
    expect(unbalancedTag(page)).toBeUndefined();
  });

  it('does not call a search stopped by its budget or by Ctrl-C a proof', () => {
    const budget = formatHtmlReport({ ...r, status: 'budget-exhausted', counterexamples: [] });
    expect(budget).toContain('not a proof of resilience');
    const interrupted = formatHtmlReport({ ...r, status: 'interrupted' });
    expect(interrupted).toContain(`• interrupted after ${r.runs.length} runs`);
    expect(sections(interrupted)).toHaveLength(r.counterexamples.length);
  });
});
