"""The demo's people: fictional residents of Alvares Florence-SP and its council staff.

Every demo account shares the password DEMO_PASSWORD; README.md lists the main ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.conferences.constants import Credential, Segment

# The demo's published password (`flask demo` prints it): not a secret.
DEMO_PASSWORD = "plenaria2019"  # nosec B105
DOMAIN = "demo.plenaria.org.br"

ADMIN = ("Administração Plenária", f"admin@{DOMAIN}")
SECRETARY = ("Célia Martins (secretaria do CMAS)", f"secretaria@{DOMAIN}")
SECOND_SECRETARY = ("Roberto Dias (secretaria do CMAS)", f"secretaria2@{DOMAIN}")

U, T, E, G = Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE, Segment.GOVERNO
D, O, C, P = Credential.DELEGADO, Credential.OBSERVADOR, Credential.CONVIDADO, Credential.PENDING  # noqa: E741 - a table key


@dataclass(frozen=True)
class Person:
    login: str
    name: str
    segment: Segment
    credential: Credential
    organisation: str | None = None
    checked_in: bool = True

    @property
    def email(self) -> str:
        return f"{self.login}@{DOMAIN}"


SMAS = "Secretaria Municipal de Assistência Social"
PEOPLE: tuple[Person, ...] = (
    # Delegates: 8 governo, 8 sociedade civil (paridade).
    Person("maria.usuaria", "Maria Aparecida Souza", U, D),
    Person("jose.usuario", "José Carlos Pereira", U, D),
    Person("ana.usuaria", "Ana Lúcia Ferreira", U, D),
    Person("joao.trabalhador", "João Batista Lima", T, D),
    Person("fernanda.trabalhadora", "Fernanda Rocha", T, D),
    Person("paulo.trabalhador", "Paulo Henrique Alves", T, D),
    Person("lar.sao.vicente", "Irmã Terezinha Costa", E, D, "Lar São Vicente de Paulo"),
    Person("apae", "Sérgio Nogueira", E, D, "Associação de Pais e Amigos dos Excepcionais"),
    Person("carla.governo", "Carla Regina Moreira", G, D, SMAS),
    Person("antonio.governo", "Antônio Marcos Ribeiro", G, D, "Secretaria Municipal de Saúde"),
    Person("luciana.governo", "Luciana Batista", G, D, "Secretaria Municipal de Educação"),
    Person("marcos.governo", "Marcos Vinícius Prado", G, D, SMAS),
    Person("silvia.governo", "Sílvia Helena Campos", G, D, "Secretaria Municipal de Finanças"),
    Person("ricardo.governo", "Ricardo Tavares", G, D, "Gabinete do Prefeito"),
    Person("patricia.governo", "Patrícia Gomes", G, D, "CRAS Alvares Florence"),
    Person("eduardo.governo", "Eduardo Fonseca", G, D, "Secretaria Municipal de Esportes e Cultura"),
    # Observers (voice only).
    Person("rosa.usuaria", "Rosa Maria Santos", U, O),
    Person("benedito.usuario", "Benedito Oliveira", U, O),
    Person("aparecida.usuaria", "Aparecida Fátima Silva", U, O),
    Person("sebastiao.usuario", "Sebastião Rodrigues", U, O),
    Person("luzia.usuaria", "Luzia Cardoso", U, O),
    Person("claudia.usuaria", "Cláudia Regina Dias", U, O, checked_in=False),
    Person("adriana.trabalhadora", "Adriana Barbosa", T, O),
    Person("roberto.trabalhador", "Roberto Carlos Mendes", T, O),
    Person("juliana.trabalhadora", "Juliana Teixeira", T, O),
    Person("renata.trabalhadora", "Renata Cristina Lopes", T, O, checked_in=False),
    Person("vicentinos", "Geraldo Machado", E, O, "Sociedade São Vicente de Paulo"),
    Person("pastoral", "Dona Neide Araújo", E, O, "Pastoral da Criança"),
    Person("helena.governo", "Helena Castro", G, O, "Secretaria Municipal de Saúde"),
    Person("fabio.governo", "Fábio Augusto Martins", G, O, "Câmara Municipal"),
    # Guests (voice only).
    Person("ceas.convidada", "Dra. Marta Albuquerque", G, C, "Conselho Estadual de Assistência Social (CEAS-SP)"),
    Person("drads.convidado", "Osvaldo Pires", G, C, "DRADS Fernandópolis"),
    Person("professora.convidada", "Profa. Lúcia Vieira", T, C, "Universidade (palestrante)"),
    Person("conselho.tutelar", "Vera Lúcia Prado", T, C, "Conselho Tutelar"),
    Person("jovem.scfv", "Gabriel Souza", U, C),
    Person("idosa.scfv", "Dona Cida Moraes", U, C),
    # Registered, not yet accredited.
    Person("marcia.usuaria", "Márcia Regina Alves", U, P, checked_in=False),
    Person("igor.usuario", "Igor Santana", U, P, checked_in=False),
    Person("camila.trabalhadora", "Camila Freitas", T, P, checked_in=False),
    Person("ong.esperanca", "Otávio Lima", E, P, "Associação Esperança", checked_in=False),
)
