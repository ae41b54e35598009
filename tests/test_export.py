"""`cqfacts export`: the fact base as SQLite tables with full-text search, and as NDJSON documents."""

from __future__ import annotations

import json

from conftest import FACTS, run


def test_sqlite_export_has_tables_with_full_text_search(tmp_path, base):
    import sqlite3

    target = tmp_path / "facts.db"
    result = run("export", "--format", "sqlite", str(target), "--facts", str(FACTS))
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}: {len(base.facts)} facts" in result.stderr
    assert ", 1 source," in result.stderr and "sources" not in result.stderr  # the shipped base has one source
    conn = sqlite3.connect(target)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"facts", "figures", "entities", "sources", "fact_entities", "facts_fts", "entities_fts"} <= tables
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == len(base.facts)
        hits = [r[0] for r in conn.execute(
            "SELECT facts.id FROM facts_fts JOIN facts ON facts.rowid = facts_fts.rowid "
            "WHERE facts_fts MATCH 'Tianmu' ORDER BY rank")]
        assert hits and all("Tianmu" in base.facts[h].statement + base.facts[h].quote + (base.facts[h].note or "")
                            for h in hits)
        value, unit = conn.execute("SELECT value, unit FROM figures WHERE fact_id = 'nev-production-sales-2023'"
                                   ).fetchone()
        assert (value, unit) == (500000, "vehicles")
        linked = conn.execute("SELECT entities.name FROM fact_entities JOIN entities ON entities.id = entity_id "
                              "WHERE fact_id = 'nev-production-sales-2023'").fetchall()
        assert ("Chongqing",) in linked
        tags = json.loads(conn.execute("SELECT tags FROM facts WHERE id = 'nev-production-sales-2023'").fetchone()[0])
        assert "nev" in tags
        source = conn.execute("SELECT title, archive FROM sources").fetchone()
        assert source[0].startswith("New Chongqing") and source[1].startswith("sources/")
        assert conn.execute("SELECT name FROM entities_fts WHERE entities_fts MATCH 'Seres'").fetchall()
    finally:
        conn.close()


def test_export_never_overwrites_a_file_unless_forced(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    result = run("export", str(target), "--facts", str(FACTS))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert target.read_text("utf-8") == "mine"
    assert run("export", str(target), "--facts", str(FACTS), "--force").exit_code == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_ndjson_export_is_one_document_per_fact(tmp_path, base):
    result = run("export", "--format", "ndjson", "--facts", str(FACTS))
    assert result.exit_code == 0, result.stderr
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in docs] == list(base.facts)
    first = docs[0]
    assert first["source"] == "cqgov-2024-03-31" and first["source_title"].startswith("New Chongqing")
    assert first["published"] == "2024-03-31T23:44:00"
    target = tmp_path / "facts.ndjson"
    assert run("export", "-f", "ndjson", str(target), "--facts", str(FACTS)).exit_code == 0
    assert target.read_text("utf-8") == result.stdout


def test_unknown_export_format_is_a_usage_error():
    result = run("export", "--format", "xml", "out.xml")
    assert result.exit_code == 2 and "unknown export format 'xml'; choose sqlite or ndjson" in result.stderr
