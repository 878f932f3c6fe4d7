// The HTML report lives in src/report/html/ (one module per view); this is its entry.
export { formatHtmlReport, renderHtmlReport } from './html/page.ts';
