"""The readable history: word-level diffs and the entries built from versions (pure)."""

import datetime as dt

import pytest

from app.proposals.history import DiffPart, build_history, word_diff

E, D, I = "equal", "delete", "insert"  # noqa: E741


@pytest.mark.parametrize("old, new, parts", [
    ("", "", []),
    (None, None, []),
    ("mesmo texto", "mesmo texto", [(E, "mesmo texto")]),
    ("", "texto novo", [(I, "texto novo")]),
    (None, "texto novo", [(I, "texto novo")]),
    ("texto antigo", "", [(D, "texto antigo")]),
    ("ampliar o CRAS", "ampliar o CRAS volante", [(E, "ampliar o CRAS"), (I, " volante")]),
    ("CRAS volante", "um CRAS volante", [(I, "um "), (E, "CRAS volante")]),
    ("garantir equipe completa", "garantir equipe", [(E, "garantir equipe"), (D, " completa")]),
    ("garantir a equipe", "garantir equipe", [(E, "garantir "), (D, "a "), (E, "equipe")]),
    ("a b c", "a x c", [(E, "a "), (D, "b"), (I, "x"), (E, " c")]),
    ("o CRAS atende 100 famílias", "o CREAS atende 200 famílias",
     [(E, "o "), (D, "CRAS"), (I, "CREAS"), (E, " atende "), (D, "100"), (I, "200"), (E, " famílias")]),
    ("uma frase", "outra coisa", [(D, "uma"), (I, "outra"), (E, " "), (D, "frase"), (I, "coisa")]),
    ("fim.", "fim", [(D, "fim."), (I, "fim")]),
    ("a b", "a  b", [(E, "a"), (D, " "), (I, "  "), (E, "b")]),
    ("linha um\nlinha dois", "linha um\n\nlinha dois", [(E, "linha um"), (D, "\n"), (I, "\n\n"), (E, "linha dois")]),
    ("ação", "acao", [(D, "ação"), (I, "acao")]),
    ("**negrito**", "*itálico*", [(D, "**negrito**"), (I, "*itálico*")]),
])
def test_word_diff(old, new, parts):
    assert word_diff(old, new) == [DiffPart(op, text) for op, text in parts]


@pytest.mark.parametrize("old, new", [
    ("", "x"), ("a b c d e", "e d c b a"), ("  espaços  nas  bordas ", "espaços nas bordas"),
    ("Garantir equipe de referência.\n\n- item 1\n- item 2", "Garantir equipe.\n\n- item 1\n- item 3\n- item 4"),
    ("um dois três quatro", "um três cinco quatro seis"),
])
def test_word_diff_rebuilds_both_texts_and_merges_neighbours(old, new):
    parts = word_diff(old, new)
    assert "".join(p.text for p in parts if p.op != I) == old
    assert "".join(p.text for p in parts if p.op != D) == new
    assert all(a.op != b.op for a, b in zip(parts, parts[1:], strict=False))
    assert all(p.text for p in parts)


AT = dt.datetime(2026, 9, 26, 12, 0, tzinfo=dt.UTC)


def version(number, kind="edited", by="Maria", note=None, **texts):
    base = {"title": "Ampliar o CRAS", "body": "Texto inicial.", "justification": None, "final_wording": None}
    base.update(texts)
    return {"number": number, "kind": kind, "at": AT + dt.timedelta(hours=number), "by": by, "note": note, **base}


def test_no_versions_no_history():
    assert build_history([]) == []


def test_the_first_version_lists_no_changes():
    [entry] = build_history([version(1, "created")])
    assert (entry.number, entry.kind, entry.at, entry.by, entry.note, entry.changes) == (
        1, "created", AT + dt.timedelta(hours=1), "Maria", None, {})


@pytest.mark.parametrize("changed, expected", [
    ({"title": "Ampliar os CRAS"}, {"title": [(E, "Ampliar "), (D, "o"), (I, "os"), (E, " CRAS")]}),
    ({"body": "Texto inicial revisto."}, {"body": [(E, "Texto "), (D, "inicial."), (I, "inicial revisto.")]}),
    ({"justification": "Há fila."}, {"justification": [(I, "Há fila.")]}),
    ({"justification": ""}, {}),  # None and "" are the same absence
    ({"final_wording": "Redação final."}, {"final_wording": [(I, "Redação final.")]}),
    ({}, {}),
    ({"title": "Outro", "final_wording": "Final"}, {"title": [(D, "Ampliar o CRAS"), (I, "Outro")],
                                                    "final_wording": [(I, "Final")]}),
])
def test_only_changed_fields_are_listed(changed, expected):
    entries = build_history([version(1, "created"), version(2, **changed)])
    assert entries[0].changes == {}
    assert {name: [(p.op, p.text) for p in parts] for name, parts in entries[1].changes.items()} == expected


def test_each_version_is_compared_with_the_one_before():
    entries = build_history([
        version(1, "created"),
        version(2, title="Ampliar os CRAS"),
        version(3, "systematized", by="Secretaria", title="Ampliar os CRAS", body="Texto final."),
        version(4, "withdrawn", title="Ampliar os CRAS", body="Texto final.", note="Duplicada"),
    ])
    assert [e.number for e in entries] == [1, 2, 3, 4]
    assert list(entries[1].changes) == ["title"]
    assert list(entries[2].changes) == ["body"]
    assert [(p.op, p.text) for p in entries[2].changes["body"]] == [
        (E, "Texto "), (D, "inicial."), (I, "final.")]
    assert (entries[2].kind, entries[2].by) == ("systematized", "Secretaria")
    assert (entries[3].changes, entries[3].note) == ({}, "Duplicada")


def test_missing_author_and_note_are_none():
    v = version(1, "imported")
    del v["by"], v["note"]
    [entry] = build_history([v])
    assert (entry.by, entry.note) == (None, None)
