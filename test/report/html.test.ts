import { reportDetails } from '../../src/report/details.ts';
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

/** The element `<section …>` starting at `from`, with the sections nested in it. */
function sectionAt(html: string, from: number): string {
  let depth = 0;
  const re = /<(\/?)section\b[^>]*>/g;
  re.lastIndex = from;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(from, m.index + m[0].length);
  }
  throw new Error('unclosed section');
}

/** The page's counterexample sections, in order. */
function sections(html: string): string[] {
  return [...html.matchAll(/<section class="cex"/g)].map((m) => sectionAt(html, m.index!));
}

/** The section with this id. */
function byId(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  expect(at, id).toBeGreaterThan(0);
  return sectionAt(html, html.lastIndexOf('<section', at));
}

/** The first space-time diagram in a piece of the page. */
function diagram(piece: string): string {
  const at = piece.indexOf('<svg class="st"');
  expect(at).toBeGreaterThanOrEqual(0);
  return piece.slice(at, piece.indexOf('</svg>', at) + 6);
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


  it('is one well-formed page that needs nothing from outside the file', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(count(html, /<html[\s>]/g)).toBe(1);
    expect(count(html, '</html>')).toBe(1);
    expect(unbalancedTag(html)).toBeUndefined();
    expect(html).toContain('<meta charset="utf-8">');
    for (const bad of ['<script', '<link', 'http://', 'https://', '@import', ' src=']) expect(html).not.toContain(bad);
    expect(html).not.toMatch(/url\((?!#)/); // only in-page marker references
  });

  it('states the verdict, target, bounds, runs and fault space (a seed only where it matters)', () => {
    expect(html).toContain(`✗ ${r.counterexamples.length} counterexamples after ${r.runs.length} runs (${r.hypotheses} hypotheses)`);
    expect(html).toContain(NAIVE);
    expect(html).toContain('EOT 4, EFF 2, crashes 1, nodes a,b,c');
    // A Dedalus run does not depend on a seed; LDFI draws nothing at random.
    expect(html).not.toContain('<dt>seed</dt>');
    expect(html).toContain(`${r.faultSpace} schedules`);
  });

  it('gives each counterexample its faults, violations, pasteable replay line and its run drawn', () => {
    const secs = sections(html);
    expect(secs).toHaveLength(r.counterexamples.length);
    r.counterexamples.forEach((c, i) => {
      expect(secs[i]).toContain(`<code>${esc(formatFaults(c.faults))}</code>`);
      expect(secs[i]).toContain(`<code>${esc(c.replay)}</code>`);
      for (const v of c.violations) expect(secs[i]).toContain(esc(v.message));
      expect(secs[i]).toContain(`<section class="detail shown" id="d-cex-${i + 1}">`);
    });
  });

  it('draws every message between nodes with its fate, and a mark per crash', () => {
    sections(html).forEach((sec, i) => {
      const c = r.counterexamples[i];
      const svg = diagram(sec);
      const wire = c.messages.filter((m) => m.from !== m.to);
      for (const status of ['delivered', 'omitted', 'sender-crashed', 'receiver-down', 'in-flight']) {
        expect(count(svg, `<g class="msg ${status}">`), status).toBe(wire.filter((m) => m.status === status).length);
      }
      // A loss ends in a cross; the full text of every message is on hover and in the list.
      expect(count(svg, '<path class="x"')).toBe(wire.filter((m) => m.status === 'omitted' || m.status === 'receiver-down').length);
      for (const m of wire) expect(sec).toContain(esc(m.content));
      const crashes = c.faults.filter((f) => f.kind === 'crash');
      expect(count(svg, '<g class="crash"')).toBe(crashes.length);
      for (const f of crashes) expect(svg).toContain(`<g class="crash" data-node="${f.node}" data-time="${f.time}">`);
    });
  });

  it('lays lanes out in node order and lets time flow downward', () => {
    const svg = diagram(sections(html)[0]);
    const names = [...svg.matchAll(/<text class="node" x="([\d.]+)"[^>]*>([^<]*)</g)];
    expect(names.map((m) => m[2])).toEqual(NODES);
    const xs = names.map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (const m of svg.matchAll(/<g class="msg [^"]*">.*?<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/g)) {
      expect(Number(m[4])).toBeGreaterThan(Number(m[2]));
    }
  });

  it('lists every run with its crashes and other faults apart, its outcome, and a link to its diagram', () => {
    for (const run of r.runs) {
      const row = html.match(new RegExp(`<tr id="run-${run.index}">(.*?)</tr>`))!;
      expect(row, `run ${run.index}`).not.toBeNull();
      const crashes = run.faults.filter((f) => f.kind === 'crash');
      const others = run.faults.filter((f) => f.kind !== 'crash');
      if (crashes.length) expect(row[1]).toContain(`<td class="nowrap"><code>${esc(formatFaults(crashes))}</code></td>`);
      if (others.length) expect(row[1]).toContain(`<td><code>${esc(formatFaults(others))}</code></td>`);
      expect(row[1]).toContain(run.violations.length > 0 ? '✗ violated' : '✓ held');
      expect(row[1]).toContain(`<a href="#d-run-${run.index}">diagram</a>`);
      const detail = byId(html, `d-run-${run.index}`);
      expect(count(detail, '<svg class="st"')).toBe(1);
    }
    expect(byId(html, 'runs')).toContain('the fault-free run');
  });

  it('shows each shrink step with its own diagram', () => {
    const shrunk = r.counterexamples.find((c) => (c.shrinkSteps ?? []).length > 0);
    expect(shrunk).toBeDefined();
    const n = r.counterexamples.indexOf(shrunk!) + 1;
    shrunk!.shrinkSteps!.forEach((step, k) => {
      const detail = byId(html, `d-cex-${n}-step-${k + 1}`);
      expect(detail).toContain(esc(formatFaults(step.faults)));
      expect(detail).toContain(step.violated ? '✗ invariant violated' : '✓ invariant held');
      expect(count(detail, '<svg class="st"')).toBe(1);
    });
  });

  it('draws the lineage of the outcomes whose supports a counterexample cut, the cut leaves marked', () => {
    const omission = r.counterexamples.findIndex((c) => c.faults.length === 1 && c.faults[0].kind === 'omit');
    expect(omission).toBeGreaterThanOrEqual(0);
    const f = r.counterexamples[omission].faults[0] as { from: string; to: string; time: number };
    const sec = sections(html)[omission];
    expect(sec).toContain('What the faults cut');
    expect(sec).toMatch(new RegExp(`<g class="v message cut" data-id="${esc(`msg:${f.from}→${f.to}@${f.time}`)}">`));
    expect(sec).toContain('<g class="v goal root" data-id="post(b,hello)@4">');
  });

  it("shows the fault-free run's state over time: each relation's tuples by step, per node", () => {
    const detail = byId(html, 'd-run-1');
    expect(detail).toContain('State over time');
    expect(detail).toMatch(/<tr><td>log<\/td><td>log\(a,hello\)<\/td>/);
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
      recorded: r.recorded && { ...r.recorded, drawn: r.recorded.drawn.map((d) => ({ ...d, messages: [...d.messages, { from: 'b', to: 'c', sendTime: 1, deliverTime: 2, content: `x(${nasty})`, status: 'delivered' as const }] })) },
    };
    const page = formatHtmlReport(variant);
    expect(page).not.toContain(nasty);
    expect(page).toContain(`pre(${esc(nasty)}) holds but post does not`);
    expect(page).toContain(`m(${esc(nasty)})`);
    expect(page).toContain(`x(${esc(nasty)})`);
    expect(page).toContain(`threw ${esc(nasty)}`);
    expect(page).toContain(`dir/${esc(nasty)}.ded`);
    expect(unbalancedTag(page)).toBeUndefined();
  });
});

describe('faults and messages beyond Dedalus (sim target)', () => {
  it('draws losses, receiver-down, in-flight messages and fault windows each their own way', () => {
    const cex: Counterexample = {
      ...r.counterexamples[0],
      faults: [
        { kind: 'restart', node: 'b', start: 30, end: 60 },
        { kind: 'partition', groups: [['a'], ['b', 'c']], start: 6, end: 13 },
        { kind: 'delay', from: 'c', to: 'a', time: 20, by: 5 },
      ],
      messages: [
        { from: 'a', to: 'c', sendTime: 6, deliverTime: 0, content: 'v', status: 'omitted', reason: 'partition {a}|{b,c} @6..13' },
        { from: 'a', to: 'b', sendTime: 41, deliverTime: 44, content: 'v', status: 'receiver-down' },
        { from: 'c', to: 'a', sendTime: 58, deliverTime: 63, content: 'late', status: 'in-flight' },
      ],
    };
    const page = formatHtmlReport({ ...r, bounds: { ...r.bounds, eot: 60 }, counterexamples: [cex], recorded: undefined });
    const svg = diagram(sections(page)[0]);
    const lines = [...svg.matchAll(/<g class="msg ([^"]*)">.*?<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/g)];
    expect(lines.map((m) => m[1]).sort()).toEqual(['in-flight', 'omitted', 'receiver-down']);
    for (const m of lines) expect(Number(m[5])).toBeGreaterThan(Number(m[3]));
    // In flight: cut at the end-of-time line, with its own arrowhead, never drawn as delivered.
    const eot = Number(/<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="[\d.]+" class="eot"\/>/.exec(svg)![1]);
    const flight = lines.find((m) => m[1] === 'in-flight')!;
    expect(Number(flight[5])).toBe(eot);
    expect(svg).toContain('c→a @58, due @63: late — in flight at end of time');
    expect(svg).toContain('<g class="window restart"><title>restart b @30..60</title>');
    expect(svg).toContain('<g class="window partition"><title>partition {a}|{b,c} @6..13</title>');
    expect(svg).toContain('<g class="window delay"><title>delay c→a @20 by 5</title>');
    expect(svg).toContain('by partition {a}|{b,c} @6..13'); // the tooltip names the fault that lost it
    expect(svg).not.toContain('>@0<'); // no row for the meaningless delivery time
    expect(unbalancedTag(page)).toBeUndefined();
  });
});

describe('other verdicts', () => {
  it('says resilient, with no counterexample sections, and explains why: supports, the hypotheses they defeated, lineage', async () => {
    const target = new DedalusTarget(['examples/dedalus/broadcast-ack.ded'], { eot: 6, eff: 5, crashes: 0, nodes: NODES, negativeSupport: true });
    const resilient = await search(target, { seed: '1' });
    expect(resilient.status).toBe('resilient');
    const page = formatHtmlReport(resilient);
    expect(page).toMatch(/✓ resilient to [a-z, ()]+ within the bounds/);
    expect(sections(page)).toHaveLength(0);
    const why = byId(page, 'why');
    expect(why).toContain('No hypothesis was left within EOT 6, EFF 5, 0 crashes');
    const defeated = resilient.runs.filter((run) => run.defeatedBy.length > 0);
    expect(defeated.length).toBeGreaterThan(0);
    for (const run of defeated) expect(why).toContain(`<a href="#d-run-${run.index}">${run.index}</a>`);
    expect(why).toContain('<svg class="lineage"');
    expect(why).toMatch(/<g class="v message support"/);
    expect(unbalancedTag(page)).toBeUndefined();
  });

  it('does not call a search stopped by its budget or by Ctrl-C a proof', () => {
    const budget = formatHtmlReport({ ...r, status: 'budget-exhausted', counterexamples: [] });
    expect(budget).toContain('not a proof of resilience');
    expect(budget).toContain('The run budget (--max-runs) stopped the search');
    const interrupted = formatHtmlReport({ ...r, status: 'interrupted' });
    expect(interrupted).toContain(`• interrupted after ${r.runs.length} runs`);
    expect(sections(interrupted)).toHaveLength(r.counterexamples.length);
  });
});

describe('a long run', () => {
  it('a 10,000-message run renders into a page under 5 MB, every message listed and none dropped', async () => {
    const { SimTarget } = await import('../../src/targets/sim/target.ts');
    const target = await SimTarget.open('bench/pingpong.ts', { seed: '1', eot: 1700 });
    const result = await search(target, { strategy: 'exhaustive', maxRuns: 1, seed: '1' });
    const drawn = reportDetails(result).runs.find((d) => d.key === 'run-1')!;
    expect(drawn.messages.length).toBeGreaterThanOrEqual(10_000);
    const page = formatHtmlReport(result);
    expect(Buffer.byteLength(page)).toBeLessThan(5_000_000);
    const detail = byId(page, 'd-run-1');
    expect(count(detail, '<g class="msg ')).toBe(drawn.messages.length);
    expect(count(detail, '<li class="')).toBe(drawn.messages.length);
  });
});
