import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.conferences.constants import Credential, Role, Segment
from app.conferences.models import Participation
from app.conferences.phases import Phase
from app.db import utcnow
from tests.views.helpers import attr, field_error, flashes, html_classes, html_element, tag, text

START = dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def demo(make, session):
    conference = make.conference(
        slug="viii-alvares-2019", title="VIII Conferência Municipal de Assistência Social de Alvares Florence",
        edition=8, starts_at=START, ends_at=START + dt.timedelta(hours=5), venue="CRAS",
        theme="Assistência Social: direito do povo", description="Primeiro parágrafo.\n\nSegundo parágrafo.",
        phase=Phase.PROPOSALS,
    )
    for segment, credential, n in ((Segment.USUARIO, Credential.DELEGADO, 3), (Segment.TRABALHADOR, Credential.OBSERVADOR, 2),
                                   (Segment.ENTIDADE, Credential.CONVIDADO, 1), (Segment.GOVERNO, Credential.DELEGADO, 2)):
        for _ in range(n):
            make.participation(conference, segment=segment, credential=credential)
    session.commit()
    return conference


def test_home_lists_upcoming_and_past_conferences(client, make, session):
    make.conference(title="Conferência Futura", starts_at=utcnow() + dt.timedelta(days=10))
    make.conference(title="Conferência Passada", starts_at=utcnow() - dt.timedelta(days=400))
    session.commit()
    page = text(client.get("/"))
    upcoming, past = page.split('id="anteriores"')
    assert "Conferência Futura" in upcoming and "Conferência Passada" not in upcoming
    assert "Conferência Passada" in past


def test_conference_page_reads_like_an_announcement(client, demo):
    response = client.get("/conferencias/viii-alvares-2019")
    assert response.status_code == 200
    page = text(response)
    assert "<h1 id=\"titulo\">VIII Conferência Municipal de Assistência Social de Alvares Florence</h1>" in page
    assert "VIII Conferência · esfera municipal" in page
    assert "26 de setembro de 2019, às 12h30" in page
    assert "(26/09/2019 12h30)" in page
    assert "CRAS, Alvares Florence-SP" in page
    assert "<p>Primeiro parágrafo.</p>" in page and "<p>Segundo parágrafo.</p>" in page
    for eixo in demo.eixos:
        assert f'<li value="{eixo.number}"><strong>{eixo.title}</strong>' in page
    assert '<li aria-current="step">Envio de propostas</li>' in page
    assert "8 pessoas inscritas." in page
    rows = dict(re.findall(r'<th scope="row">(\w+)</th><td class="num">(\d+)</td>', page))
    assert rows == {"Usuários": "3", "Trabalhadores": "2", "Entidades": "1", "Governo": "2"}
    url = "http://localhost/conferencias/viii-alvares-2019"
    assert f'<meta property="og:title" content="{demo.title}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert "https://wa.me/?text=" in page and "mailto:?subject=" in page
    assert attr(tag(page, id="link-conferencia"), "value") == url


def test_conference_page_never_shows_email_addresses(client, demo, session):
    emails = session.scalars(sa.select(Participation).where(Participation.conference_id == demo.id)).all()
    page = text(client.get("/conferencias/viii-alvares-2019"))
    assert all(p.user.email not in page for p in emails)
    assert "@" not in re.sub(r"<script.*?</script>", "", page)


def test_unknown_slug_is_a_friendly_404_in_portuguese(client):
    response = client.get("/conferencias/nao-existe")
    assert response.status_code == 404
    page = text(response)
    assert "<h1>Página não encontrada</h1>" in page
    assert 'lang="pt-BR"' in html_element(page)
    assert "Traceback" not in page


@pytest.mark.parametrize("n", [5, 60])
def test_conference_page_query_count_does_not_grow(client, make, session, count_queries, n):
    """Run for 5 and 60 participants: both must give the count of the 5-participant case."""
    counts = []
    for size in (5, n):
        conference = make.conference()
        for i in range(size):
            make.participation(conference, segment=list(Segment)[i % 4], checked_in=i % 2 == 0)
        session.commit()
        session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/conferencias/{conference.slug}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


# --- joining ----------------------------------------------------------------------------

@pytest.fixture
def open_conf(make, session):
    conference = make.conference(phase=Phase.PROPOSALS)
    session.commit()
    return conference


def test_join_needs_login(client, open_conf):
    response = client.get(f"/conferencias/{open_conf.slug}/participar")
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.path == "/entrar"
    assert parse_qs(location.query)["next"] == [f"/conferencias/{open_conf.slug}/participar"]


def test_join_flow(login_as, make, session, open_conf):
    user = make.user()
    session.commit()
    client = login_as(user)
    page = text(client.get(f"/conferencias/{open_conf.slug}"))
    assert f'href="/conferencias/{open_conf.slug}/participar">Quero participar</a>' in page
    assert client.get(f"/conferencias/{open_conf.slug}/participar").status_code == 200
    response = client.post(f"/conferencias/{open_conf.slug}/participar",
                           data={"segment": "trabalhador", "organisation": " CRAS Norte "})
    assert response.status_code == 302 and response.headers["Location"] == f"/conferencias/{open_conf.slug}"
    joined = session.scalars(sa.select(Participation).where(Participation.user_id == user.id)).one()
    assert (joined.segment, joined.organisation, joined.credential) == (
        Segment.TRABALHADOR, "CRAS Norte", Credential.PENDING)
    assert session.scalars(sa.select(AuditEvent.action)).all() == ["participation.joined"]
    page = text(client.get(f"/conferencias/{open_conf.slug}"))
    assert "Inscrição feita!" in " ".join(flashes(page))
    assert "Você está inscrito(a): Trabalhador(a) do SUAS · Aguardando credenciamento" in page
    again = client.get(f"/conferencias/{open_conf.slug}/participar")
    assert again.status_code == 302  # already joined: back to the page with a notice


@pytest.mark.parametrize("segment", ["entidade", "governo"])
def test_join_without_organisation_keeps_the_segment_and_explains(login_as, make, session, open_conf, segment):
    user = make.user()
    session.commit()
    response = login_as(user).post(f"/conferencias/{open_conf.slug}/participar",
                                   data={"segment": segment, "organisation": "  "})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "organisation") == "Informe a entidade ou o órgão de governo que você representa."
    checked = re.search(rf'<input[^>]*value="{segment}"[^>]*>', page).group(0)
    assert "checked" in checked
    assert attr(tag(page, id="organisation"), "aria-describedby") == "organisation-hint organisation-error"
    assert session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0


def test_join_without_segment_is_refused(login_as, make, session, open_conf):
    user = make.user()
    session.commit()
    response = login_as(user).post(f"/conferencias/{open_conf.slug}/participar", data={"segment": "chefe"})
    assert response.status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0


@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.REPORT_PUBLISHED])
def test_join_is_closed_after_the_conference(login_as, make, session, phase):
    conference = make.conference(phase=phase)
    user = make.user()
    session.commit()
    client = login_as(user)
    assert "Quero participar" not in text(client.get(f"/conferencias/{conference.slug}"))
    assert client.post(f"/conferencias/{conference.slug}/participar", data={"segment": "usuario"}).status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0


def test_a_secretary_can_join_as_participant(login_as, make, session, open_conf):
    secretary = make.secretary(open_conf)
    session.commit()
    client = login_as(secretary.user)
    response = client.post(f"/conferencias/{open_conf.slug}/participar",
                           data={"segment": "governo", "organisation": "Prefeitura"})
    assert response.status_code == 302
    session.expire_all()
    joined = session.get(Participation, secretary.id)
    assert (joined.role, joined.segment) == (Role.SECRETARY, Segment.GOVERNO)


def test_join_unknown_conference_is_404(login_as, make, session):
    user = make.user()
    session.commit()
    assert login_as(user).get("/conferencias/nada/participar").status_code == 404


# --- display preferences ----------------------------------------------------------------

def test_locale_switch_is_remembered_in_a_cookie(client, demo):
    response = client.post("/preferencias", data={"lang": "en", "next": "/conferencias/viii-alvares-2019"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/conferencias/viii-alvares-2019"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = text(client.get("/conferencias/viii-alvares-2019"))
    assert attr(html_element(page), "lang") == "en"
    assert "26 Sep 2019" in page  # dates follow the language
    client.post("/preferencias", data={"lang": "pt_BR"})
    assert attr(html_element(text(client.get("/"))), "lang") == "pt-BR"


def test_unknown_language_is_ignored(client):
    response = client.post("/preferencias", data={"lang": "xx"})
    assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))


def test_locale_choice_is_saved_on_the_account(login_as, make, session):
    user = make.user()
    session.commit()
    login_as(user).post("/preferencias", data={"lang": "en"})
    session.expire_all()
    assert user.locale == "en"


def test_high_contrast_toggles(client):
    assert "hc" not in html_classes(text(client.get("/")))
    client.post("/preferencias", data={"contraste": "1"})
    assert "hc" in html_classes(text(client.get("/")))
    client.post("/preferencias", data={"contraste": "1"})
    assert "hc" not in html_classes(text(client.get("/")))


@pytest.mark.parametrize("clicks, expected", [
    (["mais"], "fs-125"), (["mais", "mais"], "fs-150"), (["mais"] * 6, "fs-200"),
    (["mais", "menos"], "fs-100"), (["menos"], "fs-100"), (["mais", "mais", "normal"], "fs-100"),
])
def test_font_size_steps(client, clicks, expected):
    for click in clicks:
        client.post("/preferencias", data={"fonte": click})
    classes = html_classes(text(client.get("/")))
    assert expected in classes and len([c for c in classes if c.startswith("fs-")]) == 1


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com"])
def test_preferences_never_redirect_away(client, target):
    assert client.post("/preferencias", data={"contraste": "1", "next": target}).headers["Location"] == "/"


def test_search_finds_conferences_by_title_theme_or_town(client, make, session):
    make.conference(title="Conferência de Jales", municipio="Jales")
    make.conference(title="Outra", theme="Financiamento do SUAS")
    session.commit()
    assert "Conferência de Jales" in text(client.get("/busca?q=jales"))
    page = text(client.get("/busca?q=financiamento"))
    assert "Outra" in page and "Conferência de Jales" not in page
