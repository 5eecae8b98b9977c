"""The web UI in real Chromium against `dw-sim serve`: what a person clicks, and what they see."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import shot

ROOT = Path(__file__).resolve().parents[2]
TPCH = (ROOT / "examples" / "tpch_redshift.sql").read_text()


def api_get(served, path: str):
    with urllib.request.urlopen(served.url + path, timeout=30) as response:
        return json.loads(response.read())


def docs_shot(page, locator, name: str) -> Path:
    """A screenshot for the documentation (docs/), of one part of the page."""
    path = ROOT / "docs" / f"{name}.png"
    locator.screenshot(path=str(path))
    return path


def import_sql(page, name: str, sql: str, rows: int = 200):
    page.get_by_role("tab", name="Import SQL").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Dialect").select_option("redshift")
    page.get_by_label("Default rows per table").fill(str(rows))
    page.get_by_label("CREATE TABLE DDL").fill(sql)
    page.get_by_role("button", name="Preview").click()


def create_from_json(page, schema: dict):
    page.get_by_role("tab", name="JSON schema").click()
    page.get_by_label("Experiment schema (JSON)").fill(json.dumps(schema))
    page.get_by_role("button", name="Create experiment").click()
    name = schema["name"]
    row = page.locator(f'#experiments tr[data-name="{name}"]')
    expect(row).to_be_visible()
    return row


def test_import_preview_create_generate_and_watch_the_run_complete(page):
    import_sql(page, "tpch", TPCH, rows=300)
    lineitem = page.locator('.preview-table[data-table="lineitem"]')
    expect(lineitem).to_contain_text("primary key (l_orderkey, l_linenumber)")
    expect(lineitem).to_contain_text("numbered within each orders row")
    expect(lineitem).to_contain_text("foreign key (l_partkey, l_suppkey) → partsupp(ps_partkey, ps_suppkey)")
    expect(page.locator('.preview-table[data-table="customer"]')).to_contain_text("phone_number (inferred)")
    expect(page.locator("#preview-area")).to_contain_text("GRANT statement skipped")
    shot(page, "01-sql-preview")
    page.get_by_role("button", name="Create experiment").click()
    expect(page.locator("#preview-area")).to_contain_text("Created experiment tpch with 8 tables")
    row = page.locator('#experiments tr[data-name="tpch"]')
    expect(row).to_contain_text("2,400")  # 8 tables × 300 rows
    shot(page, "02-experiment-listed")

    row.get_by_role("button", name="Generate tpch").click()
    dialog = page.locator("#generate-dialog")
    expect(dialog.get_by_label("region rows")).to_have_value("300")
    dialog.get_by_label("region rows").fill("5")
    dialog.get_by_label("nation rows").fill("25")
    dialog.get_by_label("Seed (blank: random)").fill("42")
    shot(page, "03-generate-dialog")
    dialog.get_by_role("button", name="Generate").click()

    runs = page.locator("#runs-dialog")
    expect(runs).to_be_visible()
    expect(runs.locator(".badge").first).to_have_text("COMPLETED", timeout=60_000)
    expect(runs.locator('tr[data-table="region"]')).to_contain_text("5")
    expect(runs.locator('tr[data-table="lineitem"]')).to_contain_text("300")
    expect(runs).to_contain_text("8 / 8 batches")
    runs.get_by_text("Load SQL", exact=True).click()
    expect(runs.locator("pre").first).to_contain_text("COPY tpch.lineitem FROM")
    shot(page, "04-run-completed")
    runs.get_by_role("button", name="Close").click()
    expect(row.locator(".badge")).to_have_text("COMPLETED")


def test_a_failing_run_shows_its_traceback(page, served):
    row = create_from_json(page, {"name": "exploding", "tables": [{
        "name": "boom", "target_rows": 100, "columns": [{"name": "id", "data_type": "INT"}]}]})
    row.get_by_role("button", name="Generate exploding").click()
    page.locator("#generate-dialog").get_by_role("button", name="Generate").click()
    runs = page.locator("#runs-dialog")
    expect(runs.locator(".badge").first).to_have_text("FAILED", timeout=60_000)
    expect(runs.locator(".error").first).to_contain_text("injected failure in batch 0 of table boom")
    expect(runs.locator("pre.traceback")).to_contain_text("Traceback (most recent call last)")
    shot(page, "05-run-failed-traceback")


def test_second_generate_while_running_shows_the_conflict_then_cancel(page):
    row = create_from_json(page, {"name": "big", "tables": [{"name": "events", "target_rows": 20_000_000, "columns": [
        {"name": "id", "data_type": "BIGINT", "is_unique": True},
        {"name": "email", "data_type": "VARCHAR", "varchar_length": 80, "faker_rule": "email", "is_unique": True},
        {"name": "at", "data_type": "TIMESTAMP"}]}]})
    row.get_by_role("button", name="Generate big").click()
    page.locator("#generate-dialog").get_by_role("button", name="Generate").click()
    runs = page.locator("#runs-dialog")
    expect(runs.locator(".badge").first).to_have_text("RUNNING")
    run_id = runs.locator("article.run").first.get_attribute("data-run")
    runs.get_by_role("button", name="Close").click()

    row.get_by_role("button", name="Generate big").click()
    generate = page.locator("#generate-dialog")
    generate.get_by_role("button", name="Generate").click()
    expect(generate.locator("#generate-error")).to_contain_text(f"already has an active run: {run_id}")
    shot(page, "06-generate-conflict")
    generate.get_by_role("button", name="Close").click()

    row.get_by_role("button", name="View runs of big").click()
    expect(runs.locator(".progress")).to_be_visible()
    runs.get_by_role("button", name="Cancel run").click()
    expect(runs.locator(".badge").first).to_have_text("ABORTED", timeout=60_000)
    shot(page, "07-run-cancelled")


def test_bad_sql_shows_line_and_column_and_keeps_the_text(page):
    bad = "CREATE TABLE ok (id INT);\n\nCREATE TABLE broken (\n  id INT,\n  name VARCHAR(20\n);"
    import_sql(page, "broken", bad)
    error = page.locator("#sql-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"line 6, column \d+"))
    expect(page.get_by_label("CREATE TABLE DDL")).to_have_value(bad)
    shot(page, "08-sql-error")
    page.get_by_label("CREATE TABLE DDL").fill(bad.replace("VARCHAR(20\n", "VARCHAR(20)\n"))
    page.get_by_role("button", name="Preview").click()
    expect(error).to_be_hidden()
    expect(page.locator('.preview-table[data-table="broken"]')).to_be_visible()


def test_delete_removes_the_experiment_after_confirmation(page):
    import_sql(page, "doomed", "CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(80));")
    page.get_by_role("button", name="Create experiment").click()
    row = page.locator('#experiments tr[data-name="doomed"]')
    expect(row).to_be_visible()
    row.get_by_role("button", name="Delete doomed").click()
    dialog = page.locator("#delete-dialog")
    expect(dialog).to_contain_text("every run record, and all generated Parquet files")
    shot(page, "09-delete-confirmation")
    dialog.get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    page.reload()
    page.wait_for_selector("body[data-ready=true]", state="attached")
    page.wait_for_load_state("networkidle")
    expect(page.locator('#experiments tr[data-name="doomed"]')).to_have_count(0)


def test_narrow_window_and_keyboard(page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    tab = page.get_by_role("tab", name="Import SQL")
    tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="JSON schema")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Experiment schema (JSON)")).to_be_visible()
    shot(page, "10-narrow-window")


def test_preview_shows_rules_and_samples_and_an_edited_rule_is_kept(page, served):
    import_sql(page, "steered", TPCH, rows=300)
    orders = page.locator('.preview-table[data-table="orders"]')
    status = orders.locator('tr[data-column="o_orderstatus"]')
    expect(status.locator("td.rule")).to_contain_text("one of 3 values")
    samples = status.get_by_role("list", name="Samples of orders.o_orderstatus").locator("li")
    expect(samples).to_have_count(5)
    assert set(samples.all_inner_texts()) <= {"F", "O", "P"}
    expect(page.locator("#sampling-note")).to_contain_text("the first 5 rows of each table at seed 0")
    expect(orders.locator('tr[data-column="o_orderdate"] li').first).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d$"))

    status.get_by_role("button", name="Edit rule of orders.o_orderstatus").click()
    editor = orders.get_by_role("group", name="Rule of orders.o_orderstatus")
    expect(editor.get_by_label("Values (comma-separated)")).to_have_value("F, O, P")
    editor.get_by_label("Values (comma-separated)").fill("X,Y")
    editor.get_by_label("Weights (comma-separated)").fill("3")  # one weight for two values
    editor.get_by_role("button", name="Apply").click()
    expect(editor.get_by_role("alert")).to_contain_text("table 'orders', column 'o_orderstatus': 1 weights for 2 values")
    expect(editor.get_by_label("Values (comma-separated)")).to_have_value("X,Y")  # the text is kept
    editor.get_by_label("Weights (comma-separated)").fill("3,1")
    editor.get_by_role("button", name="Apply").click()
    expect(editor).to_have_count(0)
    expect(status.locator("td.rule")).to_contain_text("one of 2 values (X, Y) (edited)")
    expect(page.locator("#edit-status")).to_contain_text("Updated the rule of orders.o_orderstatus")
    samples = status.get_by_role("list", name="Samples of orders.o_orderstatus").locator("li")
    expect(samples).to_have_count(5)
    assert set(samples.all_inner_texts()) <= {"X", "Y"}

    # A rule the engine does not know is refused at the column, as create would refuse it.
    price = orders.locator('tr[data-column="o_totalprice"]')
    price.get_by_role("button", name="Edit rule of orders.o_totalprice").click()
    editor = orders.get_by_role("group", name="Rule of orders.o_totalprice")
    editor.get_by_label("Maximum").fill("100")
    editor.get_by_label("Faker rule").fill("no_such_rule")
    editor.get_by_label("Faker rule").press("Enter")  # Enter applies (it does not import again)
    expect(editor.get_by_role("alert")).to_contain_text("unknown faker_rule 'no_such_rule'")
    editor.get_by_label("Faker rule").fill("amount")
    editor.get_by_label("Minimum").fill("10")
    editor.get_by_role("button", name="Apply").click()
    expect(price.locator("td.rule")).to_contain_text("amount (inferred) · range 10..100 (edited)")
    for value in price.locator("li").all_inner_texts():
        assert 10 <= float(value) <= 100

    # The editor open on a third column (for the documentation), then left unapplied.
    priority = orders.locator('tr[data-column="o_orderpriority"]')
    priority.get_by_role("button", name="Edit rule of orders.o_orderpriority").click()
    editor = orders.get_by_role("group", name="Rule of orders.o_orderpriority")
    editor.get_by_label("Weights (comma-separated)").fill("1, 1, 4, 2, 2")
    editor.get_by_label("Null ratio").focus()
    docs_shot(page, orders, "ui-preview-edit")
    shot(page, "11-preview-edited")
    editor.get_by_role("button", name="Cancel").click()
    expect(editor).to_have_count(0)
    expect(priority.locator("td.rule")).not_to_contain_text("(edited)")

    page.get_by_role("button", name="Create experiment").click()
    expect(page.locator("#preview-area")).to_contain_text("Created experiment steered with 8 tables")
    stored = api_get(served, "/api/experiments/steered")
    column = next(c for t in stored["tables"] if t["name"] == "orders" for c in t["columns"]
                  if c["name"] == "o_orderstatus")
    assert column["values"] == ["X", "Y"] and column["weights"] == [3, 1]
    assert "rule_inferred" not in column and "samples" not in stored
    price = next(c for t in stored["tables"] if t["name"] == "orders" for c in t["columns"]
                 if c["name"] == "o_totalprice")
    assert (price["faker_rule"], price["min_value"], price["max_value"]) == ("amount", 10, 100)
    assert stored["dialect"] == "redshift" and len(stored["warnings"]) == 3


def test_changing_the_ddl_after_a_preview_asks_for_a_new_one(page):
    import_sql(page, "changed", "CREATE TABLE t (id INT PRIMARY KEY, status VARCHAR(10));")
    create = page.get_by_role("button", name="Create experiment")
    expect(create).to_be_enabled()
    page.get_by_label("CREATE TABLE DDL").fill("CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(80));")
    expect(create).to_be_disabled()
    expect(page.locator("#stale-note")).to_contain_text("select Preview again")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator('.preview-table[data-table="t"] tr[data-column="email"] td.rule')).to_contain_text("email")
    expect(create).to_be_enabled()


def test_preview_shows_table_and_column_comments(page):
    import_sql(page, "commented", (ROOT / "examples" / "redshift_generated_ddl.sql").read_text())
    warehouses = page.locator('.preview-table[data-table="warehouses"]')
    expect(warehouses.locator(".table-description")).to_have_text("Physical warehouses")
    sku = page.locator('.preview-table[data-table="items"] tr[data-column="sku"] .column-comment')
    expect(sku).to_have_text("Stock keeping unit, as printed on the label")
    expect(page.locator("#preview-area")).to_contain_text("ALTER TABLE ... OWNER TO statement skipped")


def test_a_preview_of_1200_tables_is_collapsed_per_table(page):
    ddl = "".join(f"CREATE TABLE t{i:04d} (id INT PRIMARY KEY, email VARCHAR(80), "
                  "amount DECIMAL(10,2));\n" for i in range(1200))
    import_sql(page, "many", ddl, rows=10)
    # Importing and sampling 1,200 tables takes a while on a loaded machine; then it is quick.
    expect(page.locator("#preview-count")).to_contain_text("1,200 tables", timeout=90_000)
    expect(page.locator("#preview-area details.preview-table")).to_have_count(1200)
    expect(page.locator("#preview-area details.preview-table[open]")).to_have_count(0)
    expect(page.locator("#preview-area tr[data-column]")).to_have_count(0)  # built when opened
    table = page.locator('#preview-area details.preview-table[data-table="t0042"]')
    expect(table.locator("summary")).to_contain_text("3 columns")
    table.locator("summary").click()
    expect(table.locator("tr[data-column]")).to_have_count(3)
    expect(table.locator('tr[data-column="email"] td.rule')).to_contain_text("email")
    expect(page.locator("#preview-area tr[data-column]")).to_have_count(3)
    page.get_by_label("Filter tables").fill("t011")
    expect(page.locator("#filter-count")).to_have_text("10 of 1,200 tables match")
    expect(page.locator('#preview-area details.preview-table[data-table="t0115"]')).to_be_visible()
    expect(page.locator('#preview-area details.preview-table[data-table="t0042"]')).to_be_hidden()
    page.get_by_role("button", name="Create experiment").click()
    expect(page.locator("#preview-area")).to_contain_text("Created experiment many with 1200 tables",
                                                          timeout=90_000)


def test_a_stored_api_key_that_is_refused_is_asked_for_again(page, served):
    """Deployed, API Gateway answers a wrong key with a bare 403; serve has no keys, so that
    one answer is played by the browser's network layer, and the rest is the real server."""
    page.evaluate("localStorage.setItem('dwsim.apiKey', 'stale-key')")
    seen: list[str | None] = []

    def gateway(route):
        seen.append(route.request.headers.get("x-api-key"))
        if seen[-1] == "stale-key":
            route.fulfill(status=403, content_type="application/json", body='{"message": "Forbidden"}')
        else:
            route.continue_()

    page.route("**/api/experiments", gateway)
    page.reload()
    dialog = page.locator("#key-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("The stored API key was refused")
    assert page.evaluate("localStorage.getItem('dwsim.apiKey')") is None
    page.fill("#key-input", "current-key")
    page.get_by_role("button", name="Save key").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#experiments")).to_be_visible()
    assert seen[0] == "stale-key" and seen[-1] == "current-key"
