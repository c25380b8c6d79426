/**
 * The inbox's one stylesheet, served at /assets/inbox.css (kept in a module so the compiled
 * service carries it; no build step, no CDN). Colours meet WCAG AA contrast (4.5:1 for text) on
 * white; focus is always visible for keyboard users.
 */
export const INBOX_CSS = `
:root { --ink: #1b1f24; --muted: #4a5360; --line: #c9ced6; --bg: #ffffff; --band: #f3f5f8;
  --link: #0b4fa8; --crit: #9b1c1c; --crit-bg: #fde8e8; --warn: #7a4100; --warn-bg: #fff1db;
  --info: #084f8a; --info-bg: #e3f0fb; --ok: #1d5e2c; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--link); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 8px; z-index: 10; }
header.site { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 10px 24px; background: #16324f; color: #fff; }
header.site a, header.site .who { color: #fff; }
header.site .brand { font-weight: 700; margin-right: auto; text-decoration: none; }
header.site nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { text-decoration: underline 3px; }
header.site form { margin: 0; }
header.site button { background: transparent; color: #fff; border: 1px solid #fff; }
main { padding: 16px 24px 48px; max-width: 1200px; }
h1 { font-size: 1.6rem; margin: 8px 0 12px; }
h2 { font-size: 1.25rem; margin: 28px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: var(--muted); }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.tier { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .9rem; font-weight: 600; white-space: nowrap; }
.tier-criteria-met { color: var(--crit); background: var(--crit-bg); }
.tier-workup-recommended { color: var(--warn); background: var(--warn-bg); }
.tier-screening-gap { color: var(--info); background: var(--info-bg); }
.status { font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; list-style: none; padding: 0; margin: 0 0 8px; }
.filters a[aria-current="page"] { font-weight: 700; text-decoration: underline 3px; }
.summary { font-size: 1.05rem; color: var(--ink); background: var(--band); border-left: 6px solid var(--line); padding: 8px 12px; }
.summary.tier-criteria-met { border-color: var(--crit); }
.summary.tier-workup-recommended { border-color: var(--warn); }
.summary.tier-screening-gap { border-color: var(--info); }
.facts { display: flex; flex-wrap: wrap; gap: 24px; margin: 8px 0; padding: 0; list-style: none; color: var(--muted); }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; }
.actions form { border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.actions h3 { margin: 0 0 8px; font-size: 1.05rem; }
label { display: block; font-weight: 600; margin: 8px 0 4px; }
input, select, textarea { font: inherit; padding: 6px 8px; border: 1px solid #6b7480; border-radius: 4px; width: 100%; max-width: 420px; }
textarea { min-height: 4em; }
button { font: inherit; font-weight: 600; padding: 6px 14px; border-radius: 4px; border: 1px solid #0b3d80; background: #0b4fa8; color: #fff; cursor: pointer; margin-top: 8px; }
button.secondary { background: #fff; color: #0b3d80; }
.notice { padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
.notice.ok { background: #e6f4ea; color: var(--ok); }
.notice.error { background: var(--crit-bg); color: var(--crit); }
.muted { color: var(--muted); }
.login { max-width: 420px; margin: 48px auto; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
`;

/** A small mark for the browser tab (served, like everything, by us: no request goes elsewhere). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#16324f"/><path d="M8 22V10h7a4 4 0 0 1 0 8h-7" fill="none" stroke="#fff" stroke-width="3"/><circle cx="24" cy="22" r="3" fill="#ffbf47"/></svg>`;
