// dw-sim web UI: plain JavaScript, no build step. Talks to the same /api as the CLI docs.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
};
const number = (n) => (typeof n === "number" ? n.toLocaleString("en-US") : n ?? "");
const KEY_STORAGE = "dwsim.apiKey";

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.details = body?.error?.details;
  }
}

async function api(method, path, body) {
  const headers = { "content-type": "application/json" };
  const key = localStorage.getItem(KEY_STORAGE);
  if (key) headers["x-api-key"] = key;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: { message: text } }; }
  if (response.status === 403 && !key) { askForKey(); }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// -- API key (deployed: the page is public, the API needs a key) ----------------------------
function askForKey() {
  $("#api-key-button").hidden = false;
  const dialog = $("#key-dialog");
  if (!dialog.open) dialog.showModal();
}
$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem(KEY_STORAGE, $("#key-input").value.trim());
  $("#key-dialog").close();
  loadExperiments();
});
$("#api-key-button").addEventListener("click", askForKey);
for (const button of document.querySelectorAll("[data-close]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}

function showError(box, error) {
  box.hidden = false;
  box.textContent = "";
  box.append(error.message);
  const problems = Array.isArray(error.details) ? error.details : [];
  if (problems.length > 1) {
    box.append(el("ul", {}, problems.map((p) => el("li", {}, p.location ? `${p.location}: ${p.message}` : p.message))));
  }
}
function clearError(box) { box.hidden = true; box.textContent = ""; }

// -- experiments list -------------------------------------------------------------------------
let experiments = [];

async function loadExperiments() {
  const status = $("#list-status");
  status.textContent = "Loading…";
  try {
    experiments = (await api("GET", "/api/experiments")).experiments;
    status.textContent = experiments.length ? "" : "No experiments yet: import DDL or a JSON schema below.";
    renderExperiments();
  } catch (error) {
    status.textContent = `Could not load experiments: ${error.message}`;
  }
}

function renderExperiments() {
  const body = $("#experiments tbody");
  body.replaceChildren(...experiments.map((e) => el("tr", { "data-name": e.name },
    el("th", { scope: "row" }, e.name),
    el("td", {}, e.description || ""),
    el("td", {}, e.dialect || "JSON"),
    el("td", { class: "num" }, number(e.tables)),
    el("td", { class: "num" }, number(e.total_rows)),
    el("td", {}, e.last_run ? el("span", { class: `badge ${e.last_run.status}` }, e.last_run.status) : "—"),
    el("td", { class: "actions-cell" },
      el("button", { type: "button", "aria-label": `Generate ${e.name}`, onclick: () => openGenerate(e.name) }, "Generate"),
      el("button", { type: "button", class: "secondary", "aria-label": `View runs of ${e.name}`, onclick: () => openRuns(e.name) }, "View runs"),
      el("button", { type: "button", class: "secondary", "aria-label": `Delete ${e.name}`, onclick: () => openDelete(e.name) }, "Delete")),
  )));
}
$("#refresh").addEventListener("click", loadExperiments);

// -- create: tabs -------------------------------------------------------------------------------
const tabs = [$("#tab-sql"), $("#tab-json")];
function selectTab(tab) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(`#${t.getAttribute("aria-controls")}`).hidden = !selected;
  }
  tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      selectTab(tabs[(tabs.indexOf(tab) + 1) % tabs.length]);
    }
  });
}

function readFileInto(input, textarea, nameField) {
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    textarea.value = await file.text();
    if (nameField && !nameField.value) nameField.value = file.name.replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9_-]/g, "_");
  });
}
readFileInto($("#sql-file"), $("#sql-text"), $("#sql-name"));
readFileInto($("#json-file"), $("#json-text"));

// -- create: SQL with preview -------------------------------------------------------------------
function sqlRequest(dryRun) {
  const rows = $("#sql-rows").value;
  return {
    name: $("#sql-name").value.trim(),
    dialect: $("#sql-dialect").value,
    sql: $("#sql-text").value,
    target_rows: rows === "" ? undefined : Number(rows),
    dry_run: dryRun,
  };
}

$("#pane-sql").addEventListener("submit", async (event) => {
  event.preventDefault();
  const errorBox = $("#sql-error");
  clearError(errorBox);
  $("#create-sql").disabled = true;
  $("#preview-area").replaceChildren();
  try {
    const experiment = await api("POST", "/api/experiments/import-sql", sqlRequest(true));
    renderPreview(experiment);
    $("#create-sql").disabled = false;
  } catch (error) {
    showError(errorBox, error);
  }
});

$("#create-sql").addEventListener("click", async () => {
  const errorBox = $("#sql-error");
  clearError(errorBox);
  try {
    const experiment = await api("POST", "/api/experiments/import-sql", sqlRequest(false));
    $("#preview-area").replaceChildren(el("p", { role: "status", class: "created" },
      `Created experiment ${experiment.name} with ${experiment.tables.length} tables.`));
    $("#create-sql").disabled = true;
    await loadExperiments();
  } catch (error) {
    showError(errorBox, error);
  }
});

function typeText(column) {
  if (column.source_type) return column.source_type;
  if (column.precision !== undefined) return `${column.data_type}(${column.precision},${column.scale ?? 0})`;
  if (column.varchar_length !== undefined) return `${column.data_type}(${column.varchar_length})`;
  return column.data_type;
}

function renderPreview(experiment) {
  const warnings = experiment.warnings || [];
  const byColumn = (table, column) => warnings.filter((w) => w.table === table && w.column === column);
  const general = warnings.filter((w) => !w.table);
  const area = $("#preview-area");
  const parts = [el("h3", {}, `Preview: ${experiment.tables.length} tables, ${number(experiment.tables.reduce((s, t) => s + t.target_rows, 0))} rows`)];
  if (general.length) {
    parts.push(el("ul", { class: "warning", "aria-label": "Warnings" }, general.map((w) => el("li", {}, `⚠ ${w.message}`))));
  }
  for (const table of experiment.tables) {
    const tableWarnings = warnings.filter((w) => w.table === table.name);
    parts.push(el("div", { class: `preview-table${tableWarnings.length ? " has-warning" : ""}`, "data-table": table.name },
      el("h3", {}, `${table.name} `, el("span", { class: "muted" }, `${number(table.target_rows)} rows`)),
      tableWarnings.filter((w) => !w.column).map((w) => el("p", { class: "warning" }, `⚠ ${w.message}`)),
      el("div", { class: "table-wrap" }, el("table", {},
        el("thead", {}, el("tr", {}, ["Column", "Type", "Null", "Unique", "Generation rule"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, table.columns.map((c) => {
          const columnWarnings = byColumn(table.name, c.name);
          return el("tr", { class: columnWarnings.length ? "warned" : "" },
            el("td", {}, c.name, columnWarnings.map((w) => el("div", { class: "warning" }, `⚠ ${w.message}`))),
            el("td", {}, typeText(c)),
            el("td", {}, c.required ? "NOT NULL" : "null"),
            el("td", {}, c.is_unique ? "unique" : ""),
            el("td", { class: "rule" }, c.faker_rule || (c.values ? `one of ${c.values.length} values` : ""),
              c.rule_inferred ? el("span", { class: "inferred" }, " (inferred)") : null));
        })))),
      el("ul", { class: "keys", "aria-label": `Keys of ${table.name}` }, (table.keys || []).map((k) => el("li", {},
        el("strong", {}, `${k.kind} key (${k.columns.join(", ")})`),
        k.kind === "foreign" ? ` → ${k.ref_table}(${k.ref_columns.join(", ")})` : "",
        `: ${k.enforcement}`)))));
  }
  area.replaceChildren(...parts);
}

// -- create: JSON -------------------------------------------------------------------------------
$("#pane-json").addEventListener("submit", async (event) => {
  event.preventDefault();
  const errorBox = $("#json-error");
  clearError(errorBox);
  let schema;
  try {
    schema = JSON.parse($("#json-text").value);
  } catch (error) {
    showError(errorBox, new Error(`The schema is not valid JSON: ${error.message}`));
    return;
  }
  try {
    const experiment = await api("POST", "/api/experiments", schema);
    errorBox.hidden = false;
    errorBox.className = "created";
    errorBox.textContent = `Created experiment ${experiment.name}.`;
    await loadExperiments();
  } catch (error) {
    errorBox.className = "error";
    showError(errorBox, error);
  }
});

// -- generate -----------------------------------------------------------------------------------
let generateFor = null;
async function openGenerate(name) {
  generateFor = name;
  const dialog = $("#generate-dialog");
  $("#generate-title").textContent = `Generate ${name}`;
  clearError($("#generate-error"));
  $("#generate-rows").replaceChildren(el("p", { class: "muted" }, "Loading tables…"));
  dialog.showModal();
  try {
    const experiment = await api("GET", `/api/experiments/${encodeURIComponent(name)}`);
    $("#generate-rows").replaceChildren(...experiment.tables.map((t) =>
      el("label", {}, `${t.name} rows`, el("input", { type: "number", min: "0", name: t.name, value: t.target_rows, "data-table": t.name }))));
  } catch (error) {
    showError($("#generate-error"), error);
  }
}
$("#generate-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const errorBox = $("#generate-error");
  clearError(errorBox);
  const rows = {};
  for (const input of document.querySelectorAll("#generate-rows input")) rows[input.dataset.table] = Number(input.value);
  const seed = $("#generate-seed").value;
  try {
    const run = await api("POST", `/api/experiments/${encodeURIComponent(generateFor)}/generate`,
      { rows, seed: seed === "" ? undefined : Number(seed) });
    $("#generate-dialog").close();
    await loadExperiments();
    openRuns(generateFor, run.run_id);
  } catch (error) {
    if (error.status === 409 && error.details?.active_run_id) {
      showError(errorBox, new Error(`${error.message}. Wait for run ${error.details.active_run_id} to finish, or cancel it in View runs.`));
    } else {
      showError(errorBox, error);
    }
  }
});

// -- runs ---------------------------------------------------------------------------------------
let runsFor = null;
let pollTimer = null;

function openRuns(name) {
  runsFor = name;
  $("#runs-title").textContent = `Runs of ${name}`;
  $("#runs-list").replaceChildren();
  const dialog = $("#runs-dialog");
  if (!dialog.open) dialog.showModal();
  refreshRuns();
}
$("#runs-dialog").addEventListener("close", () => { clearTimeout(pollTimer); runsFor = null; loadExperiments(); });

async function refreshRuns() {
  clearTimeout(pollTimer);
  if (!runsFor) return;
  const name = runsFor;
  try {
    const { runs } = await api("GET", `/api/experiments/${encodeURIComponent(name)}/runs`);
    if (name !== runsFor) return;
    $("#runs-status").textContent = runs.length ? `${runs.length} run(s), newest first` : "No runs yet.";
    $("#runs-list").replaceChildren(...runs.map(renderRun));
    if (runs.some((r) => r.status === "RUNNING")) pollTimer = setTimeout(refreshRuns, 3000);
  } catch (error) {
    $("#runs-status").textContent = `Could not load runs: ${error.message}`;
  }
}

function duration(run) {
  if (run.duration_seconds !== null && run.duration_seconds !== undefined) return `${run.duration_seconds.toFixed(1)} s`;
  return "—";
}

function renderRun(run) {
  const p = run.progress;
  const share = p.rows_total ? Math.round((100 * p.rows_done) / p.rows_total) : 0;
  const node = el("article", { class: "run", "data-run": run.run_id, "aria-label": `Run ${run.run_id}` },
    el("div", { class: "run-head" },
      el("span", { class: `badge ${run.status}`, "data-status": run.status }, run.status),
      el("strong", {}, run.run_id),
      el("span", { class: "muted" }, `started ${run.started_at}`),
      el("span", { class: "muted" }, `finished ${run.finished_at || "—"}`),
      el("span", { class: "muted" }, `duration ${duration(run)}`),
      el("span", { class: "muted" }, `seed ${run.seed}`),
      run.status === "RUNNING" ? el("button", { type: "button", class: "danger", onclick: () => cancelRun(run) }, "Cancel run") : null),
    el("div", { class: "progress", role: "progressbar", "aria-label": "rows generated", "aria-valuemin": "0",
      "aria-valuemax": "100", "aria-valuenow": String(share) }, el("div", { style: `width:${share}%` })),
    el("p", { class: "muted" }, `${number(p.batches_done)} / ${number(p.batches_total)} batches, ${number(p.rows_done)} / ${number(p.rows_total)} rows`),
    run.output ? el("p", {}, "Output: ", el("code", {}, run.output)) : null);
  if (run.tables?.length) {
    node.append(el("table", { class: "rows-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Table"), el("th", { scope: "col", class: "num" }, "Rows"),
        el("th", { scope: "col", class: "num" }, "Files"), el("th", { scope: "col", class: "num" }, "Bytes"))),
      el("tbody", {}, run.tables.map((t) => el("tr", { "data-table": t.name }, el("td", {}, t.name),
        el("td", { class: "num" }, number(t.rows)), el("td", { class: "num" }, number(t.files.length)),
        el("td", { class: "num" }, number(t.bytes)))))));
  }
  if (run.load_sql) {
    const sql = el("pre", { "aria-label": "load SQL" }, run.load_sql);
    node.append(el("details", {}, el("summary", {}, "Load SQL"),
      el("button", { type: "button", class: "secondary", onclick: async (e) => {
        try { await navigator.clipboard.writeText(run.load_sql); e.target.textContent = "Copied"; }
        catch { e.target.textContent = "Select the text to copy"; }
      } }, "Copy load SQL"), sql));
  }
  if (run.error) {
    node.append(el("div", { class: "error" }, run.error));
    if (run.traceback) node.append(el("details", { open: true }, el("summary", {}, "Traceback"), el("pre", { class: "traceback" }, run.traceback)));
  }
  return node;
}

async function cancelRun(run) {
  try {
    await api("POST", `/api/experiments/${encodeURIComponent(run.experiment)}/runs/${encodeURIComponent(run.run_id)}/cancel`);
  } catch (error) {
    $("#runs-status").textContent = `Could not cancel: ${error.message}`;
  }
  refreshRuns();
}

// -- delete -------------------------------------------------------------------------------------
let deleteFor = null;
function openDelete(name) {
  deleteFor = name;
  const experiment = experiments.find((e) => e.name === name);
  $("#delete-text").textContent = `Delete ${name}? This removes its schema (${experiment?.tables ?? "?"} tables), ` +
    "every run record, and all generated Parquet files and load SQL. It cannot be undone.";
  clearError($("#delete-error"));
  $("#delete-dialog").showModal();
}
$("#delete-confirm").addEventListener("click", async () => {
  try {
    await api("DELETE", `/api/experiments/${encodeURIComponent(deleteFor)}`);
    $("#delete-dialog").close();
    await loadExperiments();
  } catch (error) {
    showError($("#delete-error"), error);
  }
});

// Handlers are attached: tell tests (and anything waiting) that the page is interactive.
loadExperiments().finally(() => { document.body.dataset.ready = "true"; });
