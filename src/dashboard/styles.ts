// The dashboard's one stylesheet, served at /assets/app.css: system fonts, light and dark schemes,
// layouts that hold from a phone's width up. No external fonts or images.
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --fg: #1b1f24; --muted: #5b6570; --card: #fff; --line: #dde1e6;
  --accent: #c8322b; --accent-fg: #fff; --accent-soft: #fbe9e7; --ok: #1f7a3f; --ok-soft: #e3f4e8;
  --bad: #b3261e; --bad-soft: #fdecea; --info-soft: #eaf1fb; --code: #f0f2f5; --focus: #2563eb;
  --radius: 8px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --fg: #e6e8eb; --muted: #9aa4ae; --card: #1a1e23; --line: #2c333b;
    --accent: #ef5a50; --accent-soft: #3a1f1d; --ok: #5cc987; --ok-soft: #17301f; --bad: #ff8a80;
    --bad-soft: #3a1d1b; --info-soft: #1b2633; --code: #232930; --focus: #7aa7ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: 1px 5px; border-radius: 4px; }
pre { background: var(--code); padding: .75rem; border-radius: 6px; overflow-x: auto; margin: .25rem 0 .75rem; white-space: pre-wrap; word-break: break-word; }
pre code { background: none; padding: 0; }
.wrap { word-break: break-all; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }

.topbar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; background: #16191d; color: #f1f3f5; }
.brand { font-weight: 700; font-size: 1.1rem; color: #fff; text-decoration: none; letter-spacing: .01em; }
.brand::before { content: ""; display: inline-block; width: .7em; height: .7em; margin-right: .4em; border-radius: 2px; background: #ef5a50; }
.topbar select { max-width: 14rem; background: #23272d; color: #f1f3f5; border-color: #3a4048; }
.user { margin-left: auto; display: flex; align-items: center; gap: .6rem; font-size: .9rem; color: #c9ced4; min-width: 0; }
.user span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 16rem; }
.tabs { display: flex; gap: .25rem; overflow-x: auto; padding: 0 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
.tabs a { padding: .7rem .75rem; color: var(--muted); text-decoration: none; white-space: nowrap; border-bottom: 3px solid transparent; }
.tabs a[aria-current="page"] { color: var(--fg); border-bottom-color: var(--accent); font-weight: 600; }
.container { max-width: 1100px; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
.page-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: end; gap: .5rem 1rem; margin-bottom: 1rem; }
.page-head p { margin: 0; color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.1rem; margin-bottom: 1rem; min-width: 0; }
.grid-2 { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; }
@media (max-width: 820px) { .grid-2 { grid-template-columns: minmax(0, 1fr); } }

form { margin: 0; }
fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
legend { font-weight: 600; padding: 0; margin-bottom: .35rem; }
.field { display: flex; flex-direction: column; gap: .25rem; margin-bottom: .8rem; }
.field label, label.label { font-weight: 600; font-size: .9rem; }
.hint { color: var(--muted); font-size: .85rem; margin: 0; }
.note { background: var(--info-soft); padding: .5rem .75rem; border-radius: 6px; font-size: .9rem; }
input, select, textarea { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .45rem .6rem; width: 100%; min-width: 0; }
input[type="checkbox"] { width: 1rem; height: 1rem; padding: 0; margin: 0; flex: none; accent-color: var(--accent); align-self: center; }
.check { display: flex; align-items: center; gap: .4rem; font-weight: 400; margin: .4rem 0 .8rem; }
.checks .check { margin: .15rem 0; }
.checks { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.row { display: flex; gap: .5rem 1rem; align-items: flex-start; flex-wrap: wrap; }
.row > .field { flex: 1 1 12rem; }
.row > .button-field { flex: 0 0 auto; padding-top: 1.6rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .25rem; }
.button { display: inline-flex; align-items: center; justify-content: center; gap: .3rem; font: inherit; font-weight: 600; padding: .45rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; text-decoration: none; white-space: nowrap; }
.button:hover { border-color: var(--muted); }
.button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
.button.danger { color: var(--bad); border-color: var(--bad); }
.button.small { padding: .2rem .6rem; font-size: .85rem; }
.button.ghost { background: transparent; color: inherit; border-color: #4a525b; }
.button:disabled, fieldset:disabled .button { opacity: .55; cursor: not-allowed; }
.linkish { background: none; border: 0; padding: .1rem 0; color: var(--accent); font: inherit; cursor: pointer; text-align: left; word-break: break-all; }

.status { margin: .5rem 0; padding: .5rem .75rem; border-radius: 6px; }
.status-error { background: var(--bad-soft); color: var(--bad); }
.status-ok { background: var(--ok-soft); color: var(--ok); }
.status-info { background: var(--info-soft); }
.state { color: var(--muted); padding: 1rem; text-align: center; border: 1px dashed var(--line); border-radius: 6px; margin: 0; }
.state-error { color: var(--bad); border-color: var(--bad); background: var(--bad-soft); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: var(--code); }
.badge.on { background: var(--ok-soft); color: var(--ok); }
.badge.off { background: var(--bad-soft); color: var(--bad); }

.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td select { width: auto; min-width: 6.5rem; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); white-space: nowrap; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .35rem 1rem; margin: 0 0 1rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.copy-block { margin-bottom: .5rem; }
.copy-head { display: flex; justify-content: space-between; align-items: center; }
.label { font-weight: 600; font-size: .9rem; }
.copy-row { display: flex; gap: .5rem; margin: .25rem 0 .75rem; }
.reveal { border: 2px solid var(--accent); }
.warning { background: var(--accent-soft); border-radius: 6px; padding: .6rem .75rem; font-weight: 600; }
.secret { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }

.log { list-style: none; padding: 0; margin: 0; }
.entry { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; padding: .4rem .6rem; margin-bottom: .5rem; }
.entry.ok { border-left-color: var(--ok); }
.entry.fail { border-left-color: var(--bad); }
.entry-head { display: flex; justify-content: space-between; gap: .5rem; align-items: center; }
.entry-head code { word-break: break-all; }
.entry-body { margin: .35rem 0 0; }
.key-names { list-style: none; padding: 0; margin: 0 0 .5rem; max-height: 18rem; overflow-y: auto; }
.value { max-height: 20rem; }

.figures { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin-bottom: .75rem; color: var(--muted); }
.figure-value { font-size: 1.6rem; font-weight: 700; color: var(--fg); }
.usage-chart { width: 100%; height: auto; display: block; margin-bottom: .5rem; }
.usage-chart .requests, .swatch.requests { fill: var(--accent); background: var(--accent); }
.usage-chart .commands, .swatch.commands { fill: var(--muted); background: var(--muted); }
.legend { color: var(--muted); font-size: .85rem; margin: 0 0 .5rem; }
.swatch { display: inline-block; width: .75rem; height: .75rem; border-radius: 2px; vertical-align: -1px; margin-left: .5rem; }
.page-head .row > .field { flex: 0 1 auto; margin-bottom: 0; }
.page-head select { width: auto; max-width: 100%; }
.nowrap { white-space: nowrap; }
.usage-chart .grid line { stroke: var(--line); }
.usage-chart text { fill: var(--muted); font-size: 11px; }

.auth { min-height: 100vh; display: grid; place-items: center; padding: 1rem; }
.auth-card { width: 100%; max-width: 24rem; }
.auth-card .brand { color: var(--fg); display: block; margin-bottom: 1rem; }
.toast { position: fixed; bottom: 1rem; left: 50%; transform: translateX(-50%); background: #16191d; color: #fff; padding: .6rem 1rem; border-radius: 6px; max-width: calc(100% - 2rem); z-index: 20; }
dialog { border: 1px solid var(--line); border-radius: var(--radius); background: var(--card); color: var(--fg); max-width: min(28rem, calc(100% - 2rem)); padding: 1.25rem; }
dialog::backdrop { background: rgb(0 0 0 / .45); }
@media (max-width: 560px) {
  .container { padding: 1rem .75rem 2rem; }
  .user span { display: none; }
  .topbar { padding: .6rem .75rem; gap: .5rem; }
  .topbar .brand { font-size: 1rem; }
  .topbar select { max-width: 8rem; }
  th, td { padding: .45rem .4rem; }
}
`;
