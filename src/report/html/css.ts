/** The lineage picture's styles: in the page, and inside a standalone SVG file (`ldfi why --svg`). */
export const LINEAGE_CSS = `
svg.lineage { font: 11px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
svg.lineage .edge { fill: none; stroke: #9e9e9e; stroke-width: 1.2; }
svg.lineage .v rect { fill: #fff; stroke: #757575; } svg.lineage .v text { text-anchor: middle; fill: #212121; }
svg.lineage .goal rect { fill: #e3f2fd; stroke: #1f4e8c; } svg.lineage .root rect { stroke-width: 2.5; }
svg.lineage .firing rect { fill: #f5f5f5; } svg.lineage .absent rect, svg.lineage .blocked rect { fill: #fff8e1; stroke: #8d6e00; }
svg.lineage .message rect, svg.lineage .no-crash rect { fill: #e8f5e9; stroke: #66bb6a; }
svg.lineage .cut rect { fill: #ffebee; stroke: #c62828; stroke-width: 2.5; } svg.lineage .cut text { fill: #c62828; font-weight: bold; text-decoration: line-through; }
svg.lineage .support rect { stroke: #2e7d32; stroke-width: 3; } svg.lineage .support text { font-weight: bold; }
svg.lineage .badge { text-anchor: end; font-size: 9px; fill: #1f4e8c; font-weight: bold; }
`;

/**
 * The page's styles, diagrams included: an SVG inline in the page takes the page's classes, which
 * keeps every arrow a few attributes long. System fonts only: a web font would need the network.
 */
export const CSS = `
:root { color-scheme: light; --ink: #212121; --muted: #616161; --line: #e0e0e0; --bad: #c62828; --good: #2e7d32; --warn: #8d6e00; --msg: #1f4e8c; --grey: #9e9e9e; --flight: #6a1b9a; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 1.5rem; }
code, pre { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
h1.counterexample, h1.internal-error { color: var(--bad); } h1.resilient { color: var(--good); } h1.budget-exhausted, h1.interrupted, h1.no-counterexample-found { color: var(--warn); }
h2 { font-size: 1.15rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
h2 small, h3 small { font-weight: normal; color: var(--muted); font-size: .85rem; margin-left: .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
nav.toc { display: flex; gap: 1.2rem; flex-wrap: wrap; font-size: 14px; margin: .5rem 0 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; }
pre.replay { background: #f5f5f5; border: 1px solid var(--line); border-radius: 4px; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; user-select: all; }
p.ended { background: #f5f5f5; border-left: 4px solid var(--muted); padding: .4rem .8rem; }
figure.diagram { margin: .5rem 0; overflow: auto; max-height: 80vh; border: 1px solid var(--line); border-radius: 4px; }
figure.diagram .lanes { position: sticky; top: 0; z-index: 1; margin-bottom: -44px; background: #fff; border-bottom: 1px solid #f0f0f0; font: bold 13px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; color: #424242; }
figure.diagram .lanes span { position: absolute; top: 18px; transform: translateX(-50%); white-space: nowrap; }
.legend, p.rule { color: var(--muted); font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .2rem 0; }
.legend i { display: inline-block; width: 28px; height: 0; vertical-align: middle; margin-right: .4rem; }
.legend .solid { border-top: 2px solid var(--msg); } .legend .dashed { border-top: 2px dashed var(--bad); }
.legend .grey { border-top: 2px solid var(--grey); } .legend .flight { border-top: 2px dotted var(--flight); }
.legend .failed { border-top: 2px dashed var(--warn); } .legend .spike { border-top: 2px dotted #00897b; } .legend .cut { border-top: 2px solid var(--bad); }
.legend .band { height: 10px; width: 20px; background: #c6282814; border: 1px solid #c628285a; border-radius: 3px; } .legend .crashbar { height: 8px; width: 20px; background: var(--bad); border-radius: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; color: var(--muted); }
td.bad { color: var(--bad); font-weight: 600; } td.good { color: var(--good); } td.unknown { color: var(--warn); }
tr:target { background: #fff8e1; }
section.detail { display: none; border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1rem 1rem; margin: 1rem 0; }
section.detail:target, section.detail.shown { display: block; }
section.detail:target { box-shadow: 0 0 0 3px #ffe082; }
details.messages ol { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; max-height: 24rem; overflow: auto; }
details.messages li.lost, details.messages li.omitted, details.messages li.receiver-down { color: var(--bad); }
table.state td { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
svg.st { font: 11px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
svg.st .grid { stroke: #eee; } svg.st .eot { stroke: var(--flight); stroke-dasharray: 2 3; }
svg.st .tick { text-anchor: end; fill: #424242; } svg.st .eot-label { fill: var(--flight); }
svg.st .node { text-anchor: middle; font-weight: bold; font-size: 13px; fill: #424242; }
svg.st .lane { stroke: #424242; stroke-width: 2; } svg.st .lane.down { stroke: var(--grey); stroke-opacity: .5; }
svg.st .msg line { stroke-width: 2; }
svg.st .delivered line { stroke: var(--msg); } svg.st .delivered .label { fill: var(--msg); }
svg.st .omitted line, svg.st .receiver-down line { stroke: var(--bad); stroke-dasharray: 6 4; } svg.st .omitted .label, svg.st .receiver-down .label { fill: var(--bad); }
svg.st .failed line { stroke: var(--warn); stroke-dasharray: 3 3; } svg.st .failed .label, svg.st .failed .x { fill: var(--warn); stroke: var(--warn); }
svg.st .cut line { stroke-dasharray: none; } svg.st .spike line { stroke: #00897b; stroke-dasharray: 1 3; stroke-linecap: round; } svg.st .spike .label { fill: #00897b; }
svg.st .sender-crashed line { stroke: var(--grey); stroke-width: 1.5; } svg.st .sender-crashed .label { fill: var(--grey); }
svg.st .in-flight line { stroke: var(--flight); stroke-dasharray: 2 3; } svg.st .in-flight .label { fill: var(--flight); }
svg.st .x { stroke: var(--bad); stroke-width: 2.5; fill: none; }
svg.st .label { text-anchor: middle; } svg.st .lbg { fill: #fff; fill-opacity: .92; stroke: currentColor; stroke-opacity: .25; }
svg.st .sender-crashed line { stroke-dasharray: 2 2; } svg.st .stub { stroke: var(--grey); stroke-width: 2; }
svg.st .out circle { fill: var(--good); } svg.st .out text { fill: var(--good); font-weight: bold; }
svg.st .quiet { fill: var(--grey); font-style: italic; }
td.nowrap, td.nowrap code { white-space: nowrap; }
p.violated { color: var(--bad); margin: .2rem 0; }
figure.streams { margin: .5rem 0; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
svg.streams .lane { stroke: #e0e0e0; }
svg.streams .lane-name { font: bold 12px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; fill: #424242; }
svg.streams .tick { font: 11px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; fill: #757575; text-anchor: middle; }
svg.streams circle.in { fill: #1565c0; }
svg.streams circle.out { fill: #2e7d32; }
svg.streams circle.marked { fill: var(--bad); stroke: #000; stroke-width: 1; }
svg.streams circle.in.marked { fill: #ef6c00; }
svg.streams .value { font: 10.5px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; fill: #424242; text-anchor: middle; }
svg.streams .down rect { fill: #fdecea; stroke: #f5c2c0; }
svg.streams .down text { font: 10px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; fill: #b71c1c; }
svg.streams .kind { font: bold 11px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; fill: var(--bad); text-anchor: middle; }
ul.anomalies { font-size: 13px; }
details.messages li:target { background: #fff3cd; }
p.unchecked { color: var(--warn); margin: .2rem 0; }
svg.st .head { fill: var(--msg); } svg.st .head-grey { fill: var(--grey); } svg.st .head-flight { fill: var(--flight); }
svg.st .crash rect { fill: var(--bad); } svg.st .crash text { text-anchor: end; fill: var(--bad); font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.st .window rect { fill: #c6282814; stroke: #c628285a; } svg.st .window text { text-anchor: end; fill: var(--bad); }
svg.st .note { fill: var(--grey); }
figure.lineage { margin: .5rem 0; overflow: auto; max-height: 70vh; border: 1px solid var(--line); border-radius: 4px; }
${LINEAGE_CSS}
`;
