/** The stylesheet of every page: plain CSS, readable at 1280 px and at 390 px wide. */
export const STYLESHEET = `
:root { --fg:#1b1f24; --muted:#5b6570; --line:#d8dde3; --bg:#f6f7f9; --card:#fff; --accent:#1f5fbf; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --diff:#fff4d6; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.25rem; padding:.6rem 1rem; background:#13233a; color:#fff; }
header.top a { color:#fff; text-decoration:none; }
header.top a[aria-current=page] { text-decoration:underline; }
header.top .brand { font-weight:700; margin-right:.5rem; }
header.top nav { display:flex; flex-wrap:wrap; gap:.25rem 1rem; flex:1; }
header.top form { margin:0; }
header.top .who { font-size:.85rem; opacity:.85; }
main { max-width:1200px; margin:0 auto; padding:1rem; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; }
h2 { font-size:1.1rem; margin:1.5rem 0 .5rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
.card > h2:first-child { margin-top:0; }
h2 .muted { font-weight:normal; font-size:.9rem; }
.table-wrap { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:8px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.45rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.8rem; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); background:#fafbfc; }
tr:last-child td { border-bottom:0; }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; border:1px solid var(--line); background:#fff; white-space:nowrap; }
.badge.ok { color:var(--ok); border-color:var(--ok); }
.badge.warn { color:var(--warn); border-color:var(--warn); }
.badge.bad { color:var(--bad); border-color:var(--bad); }
button, .button { font:inherit; padding:.4rem .9rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--bad); border-color:var(--bad); }
button[disabled] { opacity:.5; cursor:default; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; }
.actions form { margin:0; }
form.inline { display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; }
form.inline label { font-weight:600; }
form.inline input, form.inline select { font:inherit; padding:.35rem .5rem; border:1px solid var(--line); border-radius:6px; background:#fff; max-width:100%; }
details > summary { cursor:pointer; color:var(--bad); }
details > form { margin:.5rem 0 0; }
form.settings { display:grid; grid-template-columns: minmax(0,1fr) minmax(0,1fr); gap:.8rem 1.5rem; }
form.settings fieldset { grid-column: 1 / -1; border:1px solid var(--line); border-radius:8px; padding:.5rem 1rem 1rem; display:grid; grid-template-columns: minmax(0,1fr) minmax(0,1fr); gap:.8rem 1.5rem; }
.field label { display:block; font-weight:600; }
.field input[type=text], .field input[type=number], .field input[type=password], .field select, .field textarea { width:100%; font:inherit; padding:.35rem .5rem; border:1px solid var(--line); border-radius:6px; background:#fff; }
.field textarea { min-height:3.2rem; }
.field .help { color:var(--muted); font-size:.85rem; margin:.15rem 0 0; }
.field .error { color:var(--bad); font-size:.85rem; margin:.15rem 0 0; font-weight:600; }
.field.invalid input, .field.invalid select, .field.invalid textarea { border-color:var(--bad); }
.notice { padding:.6rem .9rem; border-radius:6px; margin-bottom:1rem; border:1px solid var(--line); background:#fff; }
.notice.ok { border-color:var(--ok); }
.notice.bad { border-color:var(--bad); color:var(--bad); }
.muted { color:var(--muted); }
.delivery .muted { display:block; font-size:.8rem; max-width:22rem; }
.side-by-side { display:grid; grid-template-columns: repeat(3, minmax(0,1fr)); gap:1rem; }
.side-by-side dl { margin:0; }
.side-by-side dt { font-size:.8rem; color:var(--muted); }
.side-by-side dd { margin:0 0 .5rem; overflow-wrap:anywhere; }
.differs { background:var(--diff); }
ol.steps { padding-left:1.2rem; }
ol.steps li { margin:.2rem 0; }
ol.steps .step { font-weight:600; display:inline-block; min-width:3.5rem; }
.filters { display:flex; flex-wrap:wrap; gap:.4rem; margin:.5rem 0; }
.filters a { padding:.15rem .6rem; border:1px solid var(--line); border-radius:999px; text-decoration:none; background:#fff; }
.filters a[aria-current=true] { border-color:var(--accent); font-weight:600; }
.login { max-width:360px; margin:3rem auto; }
.filters-form { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:flex-end; margin-bottom:.5rem; }
.filters-form .field { margin:0; }
.filters-form .field.check label { font-weight:400; }
.pager { display:flex; gap:1rem; align-items:center; margin:.8rem 0; }
code { font-size:.9em; overflow-wrap:anywhere; }
.htmx-request .when-idle { display:none; }
.when-busy { display:none; }
.htmx-request .when-busy { display:inline; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
.narrow-only { display:none; }
.verdict { display:inline-block; font-size:.75rem; padding:0 .4rem; border-radius:999px; border:1px solid var(--line); white-space:nowrap; }
.verdict.agree, td.agree .verdict { color:var(--ok); border-color:var(--ok); }
.verdict.differs, td.differs .verdict { color:var(--warn); border-color:var(--warn); }
td.differs { background:var(--diff); }
td.missing .verdict { color:var(--muted); }
table.evidence td, table.evidence th { overflow-wrap:anywhere; }
/* a field's name (Location, Choose) is never broken inside the word */
table.evidence tbody th[scope=row] { overflow-wrap:normal; white-space:nowrap; }
.candidate-head { display:flex; flex-direction:column; gap:.1rem; font-size:.85rem; text-transform:none; letter-spacing:0; color:var(--fg); font-weight:400; }
.candidate-head strong { font-size:.95rem; }
/* a pill in a candidate's head is as wide as its word, not the column */
.candidate-head .badge { align-self:flex-start; }
.attention-group { margin:.6rem 0 1rem; }
.attention-group h3 { font-size:1rem; margin:.4rem 0; }
.inline-form { margin:.3rem 0 .6rem; }
.inline-form input[type=text] { font:inherit; padding:.3rem .5rem; border:1px solid var(--line); border-radius:6px; width:11rem; }
.bulk { margin-top:.6rem; }
td.pick { width:2rem; }
header.top nav .count { display:inline-block; min-width:1.2rem; padding:0 .35rem; border-radius:999px; background:var(--bad); color:#fff; font-size:.75rem; text-align:center; }
/* A run's or a preview's users: long sign-in names and addresses wrap, so the changes column is never cut. */
table.results td { overflow-wrap:break-word; }
table.results td.system { min-width:6.5rem; }
table.results td.person { min-width:17rem; }
/* A date and time reads as one: never broken at its hyphens. */
td.since { white-space:nowrap; }
table.results td.changes { min-width:24rem; }
@media (max-width: 720px) {
  table.results td.changes, table.results td.system, table.results td.person { min-width:0; }
  .narrow-only { display:table-row; }
  table.stack tr.narrow-only { display:block; }
  td.pick { width:auto; }
  main { padding:.6rem; }
  header.top nav { order:3; flex-basis:100%; }
  header.top .who { margin-left:auto; }
  table.stack thead { display:none; }
  table.stack, table.stack tbody { display:block; width:100%; }
  table.stack td, table.stack th[scope=row] { overflow-wrap:anywhere; }
  table.stack tr { display:block; border-bottom:1px solid var(--line); padding:.3rem 0; }
  table.stack tr:last-child { border-bottom:0; }
  table.stack td, table.stack th[scope=row] { display:block; border:0; padding:.2rem .6rem; }
  table.stack th[scope=row] { background:none; }
  table.stack .hide-narrow { display:none; }
  table.stack td[data-label]::before { content:attr(data-label); display:block; font-size:.75rem; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
  form.settings, form.settings fieldset { grid-template-columns: minmax(0,1fr); }
  .side-by-side { grid-template-columns: minmax(0,1fr); }
  th, td { padding:.4rem .45rem; }
  .hide-narrow { display:none; }
}
`;
