// dw-sim web UI: plain JavaScript, no build step. Talks to the same /api as the CLI docs.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    // CSSOM, not a style attribute: the page's CSP (style-src 'self') refuses inline attributes.
    else if (key === "style") Object.assign(node.style, value);
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
  // API Gateway refuses a missing or wrong key with a bare 403 ({"message": "Forbidden"}, no
  // dw-sim error code): a stored key that stopped working is dropped and asked for again.
  if (response.status === 403 && !data?.error?.code) {
    if (key) localStorage.removeItem(KEY_STORAGE);
    askForKey(key ? "The stored API key was refused; enter the current one." : null);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// -- API key (deployed: the page is public, the API needs a key) ----------------------------
function askForKey(note) {
  $("#api-key-button").hidden = false;
  $("#key-note").textContent = typeof note === "string" ? note : "";
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
    textarea.dispatchEvent(new Event("input"));
    if (nameField && !nameField.value) nameField.value = file.name.replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9_-]/g, "_");
  });
}
readFileInto($("#sql-file"), $("#sql-text"), $("#sql-name"));
readFileInto($("#json-file"), $("#json-text"));

// -- create: SQL with preview -------------------------------------------------------------------
// The preview keeps the canonical experiment JSON in memory. Editing a column's rule changes it,
// re-validates it and refreshes the samples through POST /api/experiments/preview; "Create
// experiment" then stores exactly what the preview shows (the edited JSON, when edited).
let preview = null; // { experiment, samples, sampling, edited: Set of "table.column", stale }
const INTEGER_TYPES = new Set(["SMALLINT", "INT", "BIGINT"]);
const FLOAT_TYPES = new Set(["FLOAT", "REAL", "DOUBLE"]);
const isNumeric = (c) => INTEGER_TYPES.has(c.data_type) || FLOAT_TYPES.has(c.data_type) || c.data_type === "DECIMAL";

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

// A preview response: the experiment (what create accepts) apart from its samples.
function splitPreview(body) {
  const { samples, sampling, ...experiment } = body;
  return { experiment, samples: samples || {}, sampling: sampling || null };
}

$("#pane-sql").addEventListener("submit", async (event) => {
  event.preventDefault();
  const errorBox = $("#sql-error");
  clearError(errorBox);
  $("#create-sql").disabled = true;
  $("#preview-area").replaceChildren();
  preview = null;
  try {
    const body = await api("POST", "/api/experiments/import-sql", sqlRequest(true));
    preview = { ...splitPreview(body), edited: new Set(), stale: false };
    renderPreview();
    $("#create-sql").disabled = false;
  } catch (error) {
    showError(errorBox, error);
  }
});

// Changing the DDL or its settings after a preview: create nothing that was not previewed.
function staleNote() {
  return el("p", { class: "warning", role: "status", id: "stale-note" },
    "The DDL or its settings changed since this preview: select Preview again before creating" +
    (preview.edited.size ? " (your rule edits will be replaced)." : "."));
}
function markStale() {
  if (!preview || preview.stale) return;
  preview.stale = true;
  $("#create-sql").disabled = true;
  $("#preview-area").prepend(staleNote());
}
for (const id of ["#sql-name", "#sql-rows", "#sql-text"]) $(id).addEventListener("input", markStale);
for (const id of ["#sql-dialect", "#sql-file"]) $(id).addEventListener("change", markStale);

$("#create-sql").addEventListener("click", async () => {
  const errorBox = $("#sql-error");
  clearError(errorBox);
  try {
    // Edited: store the edited canonical JSON; unedited: import the same DDL (a smaller request).
    const experiment = preview?.edited.size
      ? await api("POST", "/api/experiments", preview.experiment)
      : await api("POST", "/api/experiments/import-sql", sqlRequest(false));
    preview = null;
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

const columnKey = (table, column) => `${table}.${column}`;
const hasValue = (v) => v !== undefined && v !== null;

// Where a foreign key column's values come from, if it is one.
function parentOf(table, columnName) {
  const fk = (table.foreign_keys || []).find((f) => f.columns.includes(columnName));
  return fk ? `${fk.ref_table}.${fk.ref_columns[fk.columns.indexOf(columnName)] ?? "?"}` : null;
}

// The rule that makes a column: a Faker rule or a value list, then its range and NULL share.
function ruleCell(table, c) {
  const parts = [];
  const parent = parentOf(table, c.name);
  if (parent) {
    parts.push(`from ${parent}`);
  } else if (c.values) {
    const shown = c.values.slice(0, 5).map(String).join(", ") + (c.values.length > 5 ? ", …" : "");
    const detail = c.values.map((v, i) => (c.weights ? `${v} (weight ${c.weights[i]})` : String(v))).join(", ");
    parts.push(el("span", { title: detail }, `one of ${c.values.length} values`),
      el("span", { class: "muted" }, ` (${shown})`));
  } else if (c.faker_rule) {
    parts.push(c.faker_rule);
  } else if ((table.primary_key || []).includes(c.name) || c.is_unique) {
    parts.push(el("span", { class: "muted" }, (table.primary_key || []).includes(c.name) ? "primary key" : "unique key"));
  } else {
    parts.push(el("span", { class: "muted" }, `default for ${c.data_type}`));
  }
  if (c.rule_inferred && !parent) parts.push(el("span", { class: "inferred" }, " (inferred)"));
  const extras = [];
  if (hasValue(c.min_value) || hasValue(c.max_value)) extras.push(`range ${c.min_value ?? ""}..${c.max_value ?? ""}`);
  if (c.null_ratio) extras.push(`nulls ${Math.round(c.null_ratio * 1000) / 10}%`);
  if (extras.length) parts.push(el("span", { class: "extras" }, ` · ${extras.join(" · ")}`));
  if (preview.edited.has(columnKey(table.name, c.name))) parts.push(el("span", { class: "edited" }, " (edited)"));
  return parts;
}

function samplesCell(table, c) {
  const values = preview.samples[table.name]?.[c.name];
  if (!values) return el("span", { class: "muted" }, "not sampled");
  if (!values.length) return el("span", { class: "muted" }, "no rows");
  return el("ol", { class: "sample-list", "aria-label": `Samples of ${table.name}.${c.name}` },
    values.map((v) => (v === null ? el("li", { class: "null" }, "NULL")
      : el("li", { title: typeof v === "string" ? v : JSON.stringify(v) }, typeof v === "string" ? v : JSON.stringify(v)))));
}

// Past this many tables the preview lists them collapsed (a <details> per table) and builds a
// table's columns and samples only when it is opened: warehouses hold thousands of tables.
const COLLAPSE_AT = 20;

function renderPreview() {
  const experiment = preview.experiment;
  const warnings = experiment.warnings || [];
  const byTable = new Map();
  for (const w of warnings) {
    if (!w.table) continue;
    if (!byTable.has(w.table)) byTable.set(w.table, []);
    byTable.get(w.table).push(w);
  }
  const general = warnings.filter((w) => !w.table);
  const area = $("#preview-area");
  const collapsed = experiment.tables.length > COLLAPSE_AT;
  preview.open = preview.open || new Set();
  const parts = [preview.stale ? staleNote() : null,
    el("h3", { id: "preview-count" }, `Preview: ${number(experiment.tables.length)} tables, ${number(experiment.tables.reduce((s, t) => s + t.target_rows, 0))} rows`)];
  if (preview.sampling) {
    parts.push(el("p", { class: "muted", id: "sampling-note" }, `Samples: ${preview.sampling.note}. `,
      "Select Edit on a column to change its rule; the samples follow."));
  }
  parts.push(el("p", { role: "status", id: "edit-status", class: "muted" }));
  if (general.length) {
    parts.push(el("ul", { class: "warning", "aria-label": "Warnings" }, general.map((w) => el("li", {}, `⚠ ${w.message}`))));
  }
  if (collapsed) {
    parts.push(el("p", { class: "muted" }, "Tables are collapsed; open one to see its columns, rules and samples."),
      el("label", { class: "table-filter" }, "Filter tables ",
        el("input", { type: "search", id: "table-filter", placeholder: "name contains…", oninput: (e) => filterTables(e.currentTarget.value) })),
      el("p", { class: "muted", id: "filter-count", role: "status" }));
  }
  for (const table of experiment.tables) {
    const tableWarnings = byTable.get(table.name) || [];
    const cls = `preview-table${tableWarnings.length ? " has-warning" : ""}`;
    if (!collapsed) {
      parts.push(el("div", { class: cls, "data-table": table.name },
        el("h3", {}, `${table.name} `, el("span", { class: "muted" }, `${number(table.target_rows)} rows`)),
        tableDetail(table, tableWarnings)));
      continue;
    }
    const details = el("details", { class: cls, "data-table": table.name },
      el("summary", {}, el("strong", {}, table.name), " ",
        el("span", { class: "muted" }, `${number(table.target_rows)} rows · ${table.columns.length} columns`),
        tableWarnings.length ? el("span", { class: "warning" }, ` · ⚠ ${tableWarnings.length}`) : null));
    // Built on first opening only; reopened after an edit re-renders the preview.
    details.addEventListener("toggle", () => {
      if (details.open) {
        preview.open.add(table.name);
        if (details.children.length === 1) details.append(...tableDetail(table, tableWarnings));
      } else {
        preview.open.delete(table.name);
      }
    });
    if (preview.open.has(table.name)) {
      details.open = true;
      details.append(...tableDetail(table, tableWarnings));
    }
    parts.push(details);
  }
  area.replaceChildren(...parts.filter(Boolean));
  if (collapsed) filterTables($("#table-filter").value);
}

function filterTables(text) {
  const needle = text.trim().toLowerCase();
  let shown = 0;
  for (const details of document.querySelectorAll("#preview-area details.preview-table")) {
    const match = !needle || details.dataset.table.toLowerCase().includes(needle);
    details.hidden = !match;
    if (match) shown += 1;
  }
  const total = preview.experiment.tables.length;
  $("#filter-count").textContent = needle ? `${number(shown)} of ${number(total)} tables match` : "";
}

// A table's description, warnings, columns (rules, samples, editors) and keys.
function tableDetail(table, tableWarnings) {
  const byColumn = new Map();
  for (const w of tableWarnings) {
    if (!w.column) continue;
    if (!byColumn.has(w.column)) byColumn.set(w.column, []);
    byColumn.get(w.column).push(w);
  }
  return [
    table.description ? el("p", { class: "muted table-description" }, table.description) : null,
    ...tableWarnings.filter((w) => !w.column).map((w) => el("p", { class: "warning" }, `⚠ ${w.message}`)),
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ["Column", "Type", "Null", "Unique", "Generation rule", "Samples"].map((h) => el("th", { scope: "col" }, h)),
        el("th", { scope: "col" }, el("span", { class: "sr-only" }, "Edit")))),
      el("tbody", {}, table.columns.map((c) => {
        const columnWarnings = byColumn.get(c.name) || [];
        const edited = preview.edited.has(columnKey(table.name, c.name));
        return el("tr", { class: [columnWarnings.length ? "warned" : "", edited ? "edited-row" : ""].join(" ").trim(), "data-column": c.name },
          el("td", {}, c.name, c.comment ? el("div", { class: "muted column-comment" }, c.comment) : null,
            columnWarnings.map((w) => el("div", { class: "warning" }, `⚠ ${w.message}`))),
          el("td", {}, typeText(c)),
          el("td", {}, c.required ? "NOT NULL" : "null"),
          el("td", {}, c.is_unique ? "unique" : ""),
          el("td", { class: "rule" }, ruleCell(table, c)),
          el("td", { class: "samples" }, samplesCell(table, c)),
          el("td", {}, el("button", { type: "button", class: "secondary small edit-rule", "aria-expanded": "false",
            "aria-label": `Edit rule of ${table.name}.${c.name}`, onclick: (e) => toggleEditor(table.name, c.name, e.currentTarget) }, "Edit")));
      })))),
    el("ul", { class: "keys", "aria-label": `Keys of ${table.name}` }, (table.keys || []).map((k) => el("li", {},
      el("strong", {}, `${k.kind} key (${k.columns.join(", ")})`),
      k.kind === "foreign" ? ` → ${k.ref_table}(${k.ref_columns.join(", ")})` : "",
      `: ${k.enforcement}`))),
  ].filter(Boolean);
}

// -- the column rule editor -----------------------------------------------------------------------
function findColumn(experiment, tableName, columnName) {
  return experiment.tables.find((t) => t.name === tableName)?.columns.find((c) => c.name === columnName);
}

function closeEditor() {
  const open = $("#preview-area tr.editor-row");
  if (!open) return;
  const button = open.previousElementSibling?.querySelector("button.edit-rule");
  open.remove();
  if (button) { button.setAttribute("aria-expanded", "false"); button.focus(); }
}

function toggleEditor(tableName, columnName, button) {
  const wasOpen = button.getAttribute("aria-expanded") === "true";
  closeEditor();
  if (!wasOpen) openEditor(tableName, columnName, button);
}

const listText = (list) => (list || []).map(String).join(", ");
const splitList = (text) => text.split(",").map((s) => s.trim()).filter((s) => s !== "");
const numberOrText = (text) => (text !== "" && Number.isFinite(Number(text)) ? Number(text) : text);

// A typed value for the column: numbers for integer and float columns, booleans for BOOLEAN,
// text otherwise (DECIMAL values stay text to keep their exact digits).
function typedValue(text, column) {
  if (INTEGER_TYPES.has(column.data_type) && /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (FLOAT_TYPES.has(column.data_type)) return numberOrText(text);
  if (column.data_type === "BOOLEAN" && /^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  return text;
}

let editorCount = 0;
function openEditor(tableName, columnName, button) {
  const table = preview.experiment.tables.find((t) => t.name === tableName);
  const column = findColumn(preview.experiment, tableName, columnName);
  const parent = parentOf(table, columnName);
  const row = button.closest("tr");
  const label = `${tableName}.${columnName}`;
  const input = (attrs) => el("input", { type: "text", autocomplete: "off", spellcheck: "false", ...attrs });
  const fields = {
    faker_rule: input({ name: "faker_rule", list: "faker-rules", value: column.values ? "" : column.faker_rule ?? "" }),
    values: input({ name: "values", value: listText(column.values) }),
    weights: input({ name: "weights", value: listText(column.weights), inputmode: "decimal" }),
    min_value: input({ name: "min_value", value: column.min_value ?? "", inputmode: "decimal" }),
    max_value: input({ name: "max_value", value: column.max_value ?? "", inputmode: "decimal" }),
    null_ratio: el("input", { type: "number", name: "null_ratio", min: "0", max: "1", step: "0.01",
      value: column.required ? 0 : column.null_ratio ?? "", disabled: column.required ? true : undefined }),
  };
  const errorBox = el("div", { class: "error", role: "alert", hidden: true });
  const apply = el("button", { type: "button", class: "apply-edit" }, "Apply");
  const helpId = `rule-help-${++editorCount}`;
  const fieldset = el("fieldset", { class: "rule-editor", "aria-describedby": helpId },
    el("legend", {}, `Rule of ${label}`),
    el("div", { class: "editor-grid" },
      el("label", {}, "Faker rule", fields.faker_rule),
      el("label", {}, "Values (comma-separated)", fields.values),
      el("label", {}, "Weights (comma-separated)", fields.weights),
      isNumeric(column) ? el("label", {}, "Minimum", fields.min_value) : null,
      isNumeric(column) ? el("label", {}, "Maximum", fields.max_value) : null,
      el("label", {}, "Null ratio (0–1)", fields.null_ratio)),
    el("p", { class: "muted hint", id: helpId },
      parent ? `A foreign key: the values come from ${parent}, whatever the rule; the null ratio applies. ` : "",
      column.required ? "The column is NOT NULL: no NULLs. " : "",
      "Values, when given, replace the Faker rule; weights (one per value) make some values more common. ",
      "Leave a field empty to let dw-sim choose; a null ratio of 0 means no NULLs."),
    errorBox,
    el("div", { class: "actions" }, apply,
      el("button", { type: "button", class: "secondary", onclick: closeEditor }, "Cancel")));
  apply.addEventListener("click", () => applyEdit(tableName, columnName, fields, errorBox, apply));
  fieldset.addEventListener("keydown", (event) => {
    // Inside the SQL form, Enter would submit it (a fresh import): apply the edit instead.
    if (event.key === "Enter" && event.target.tagName === "INPUT") { event.preventDefault(); apply.click(); }
    if (event.key === "Escape") { event.preventDefault(); closeEditor(); }
  });
  const editorRow = el("tr", { class: "editor-row", "data-editor-for": columnName },
    el("td", { colspan: String(row.children.length) }, fieldset));
  row.after(editorRow);
  button.setAttribute("aria-expanded", "true");
  fields.values.value ? fields.values.focus() : fields.faker_rule.focus();
}

// The edited column, written into a copy of the canonical JSON (what create accepts).
function editedColumn(column, fields) {
  const edited = { ...column };
  const before = JSON.stringify([column.faker_rule, column.values, column.weights]);
  const values = splitList(fields.values.value);
  const weights = splitList(fields.weights.value).map(numberOrText);
  const rule = fields.faker_rule.value.trim();
  delete edited.faker_rule; delete edited.values; delete edited.weights;
  if (values.length) edited.values = values.map((v) => typedValue(v, column));
  else if (rule) edited.faker_rule = rule;
  if (weights.length) edited.weights = weights;
  if (JSON.stringify([edited.faker_rule, edited.values, edited.weights]) !== before) delete edited.rule_inferred;
  if (isNumeric(column)) {
    for (const bound of ["min_value", "max_value"]) {
      const text = fields[bound].value.trim();
      if (text === "") delete edited[bound];
      else edited[bound] = column.data_type === "DECIMAL" ? text : numberOrText(text);
    }
  }
  if (!column.required) {
    const ratio = fields.null_ratio.value.trim();
    if (ratio === "") delete edited.null_ratio;
    else edited.null_ratio = numberOrText(ratio);
  }
  return edited;
}

async function applyEdit(tableName, columnName, fields, errorBox, button) {
  clearError(errorBox);
  const candidate = structuredClone(preview.experiment);
  const table = candidate.tables.find((t) => t.name === tableName);
  table.columns = table.columns.map((c) => (c.name === columnName ? editedColumn(c, fields) : c));
  button.disabled = true;
  const current = preview;
  try {
    const body = await api("POST", `/api/experiments/preview?tables=${encodeURIComponent(tableName)}`, candidate);
    if (preview !== current) return; // a new import replaced this preview meanwhile
    Object.assign(preview, splitPreview(body));
    preview.edited.add(columnKey(tableName, columnName));
    renderPreview();
    const row = $(`#preview-area .preview-table[data-table="${CSS.escape(tableName)}"] tr[data-column="${CSS.escape(columnName)}"]`);
    row?.querySelector("button.edit-rule")?.focus();
    $("#edit-status").textContent = `Updated the rule of ${tableName}.${columnName}; its samples are refreshed.`;
  } catch (error) {
    showError(errorBox, error); // the editor and its text stay as typed
    button.disabled = false;
  }
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

const RUNS_PAGE = 20;
const RUNS_IN_FULL = 5;

async function refreshRuns() {
  clearTimeout(pollTimer);
  if (!runsFor) return;
  const name = runsFor;
  try {
    const base = `/api/experiments/${encodeURIComponent(name)}/runs`;
    const page = await api("GET", `${base}?limit=${RUNS_PAGE}`);
    // The list holds summaries; the newest runs are shown in full (files, load SQL, traceback).
    const runs = await Promise.all(page.runs.map((run, i) => (i < RUNS_IN_FULL
      ? api("GET", `${base}/${encodeURIComponent(run.run_id)}`) : run)));
    if (name !== runsFor) return;
    $("#runs-status").textContent = runs.length
      ? `${runs.length} run(s), newest first${page.next_token ? ` (the ${RUNS_PAGE} newest)` : ""}` : "No runs yet.";
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
      "aria-valuemax": "100", "aria-valuenow": String(share) }, el("div", { style: { width: `${share}%` } })),
    el("p", { class: "muted" }, `${number(p.batches_done)} / ${number(p.batches_total)} batches, ${number(p.rows_done)} / ${number(p.rows_total)} rows`),
    run.output ? el("p", {}, "Output: ", el("code", {}, run.output)) : null);
  if (run.tables?.length) {
    node.append(el("table", { class: "rows-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Table"), el("th", { scope: "col", class: "num" }, "Rows"),
        el("th", { scope: "col", class: "num" }, "Files"), el("th", { scope: "col", class: "num" }, "Bytes"))),
      el("tbody", {}, run.tables.map((t) => el("tr", { "data-table": t.name }, el("td", {}, t.name),
        el("td", { class: "num" }, number(t.rows)), el("td", { class: "num" }, number(t.file_count ?? t.files.length)),
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
    if (run.traceback) node.append(el("details", { open: true }, el("summary", {}, "Traceback"), el("pre", { class: "traceback" }, run.traceback),
      run.traceback_uri ? el("p", { class: "muted" }, "Whole traceback: ", el("code", {}, run.traceback_uri)) : null));
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
