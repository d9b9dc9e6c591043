"""The VIII conference's proposals and their debate, in the groups' own words."""

from __future__ import annotations

from app.demo.stage import Stage
from app.proposals import comments as comment_services
from app.proposals import services as proposal_services

# key, author login, eixo, sphere, title, body, justification
PROPOSALS = (
    ("horario_cras", "maria.usuaria", 1, "municipal",
     "Ampliar o horário de atendimento do CRAS",
     "Abrir o CRAS também **das 17h às 20h**, duas vezes por semana, para atender quem trabalha durante o dia.\n\n"
     "- atendimento do PAIF no período estendido;\n- inscrição e atualização do Cadastro Único.",
     "Muitas famílias perdem o dia de trabalho para conseguir atendimento."),
    ("creas_regional", "paulo.trabalhador", 1, "municipal",
     "Criar um CREAS próprio do município",
     "Implantar um CREAS municipal em vez de depender do atendimento regional.",
     None),
    ("transporte_rural", "jose.usuario", 1, "municipal",
     "Transporte para usuários da zona rural até o CRAS",
     "Garantir transporte gratuito, uma vez por semana, das comunidades rurais até o CRAS e de volta.",
     "Sem transporte, as famílias do sítio não chegam aos serviços."),
    ("cadunico_itinerante", "ana.usuaria", 1, "municipal",
     "Cadastro Único itinerante nos bairros",
     "Levar a equipe do Cadastro Único aos bairros e à zona rural uma vez por mês.",
     None),
    ("beneficios_eventuais", "fernanda.trabalhadora", 1, "estadual",
     "Cofinanciamento estadual dos benefícios eventuais",
     "Que o Estado de São Paulo cofinancie os benefícios eventuais (auxílio natalidade, funeral e vulnerabilidade "
     "temporária) dos municípios de pequeno porte.",
     None),
    ("bpc", "jose.usuario", 1, "federal",
     "Agilizar a concessão do BPC",
     "Reduzir o tempo de análise do Benefício de Prestação Continuada para no máximo 45 dias, com perícia "
     "e avaliação social perto de casa.",
     None),
    ("orcamento_municipal", "carla.governo", 2, "municipal",
     "Reservar 5% do orçamento municipal para a assistência social",
     "Garantir na Lei Orçamentária Anual do município pelo menos 5% da receita para o Fundo Municipal de "
     "Assistência Social.",
     None),
    ("repasse_regular", "marcos.governo", 2, "estadual",
     "Repasse estadual fundo a fundo em dia",
     "Que os repasses do Fundo Estadual para o Fundo Municipal sejam feitos todo mês, sem atraso.",
     None),
    ("protecao_basica", "patricia.governo", 2, "estadual",
     "Ampliar o cofinanciamento estadual da proteção básica",
     "Aumentar o valor que o Estado repassa para os serviços de proteção social básica.",
     None),
    ("scfv", "joao.trabalhador", 2, "estadual",
     "Mais recursos estaduais para o SCFV",
     "Aumentar o repasse estadual para o Serviço de Convivência e Fortalecimento de Vínculos, com prioridade para "
     "crianças, adolescentes e idosos.",
     None),
    ("orcamento_federal", "apae", 2, "federal",
     "Recompor o orçamento federal do SUAS",
     "Recompor o orçamento federal da assistência social e garantir os repasses regulares aos municípios.",
     None),
    ("capacitacao_cmas", "lar.sao.vicente", 3, "municipal",
     "Capacitação permanente dos conselheiros do CMAS",
     "Oferecer capacitação aos conselheiros do CMAS a cada mandato, com material em linguagem simples.",
     None),
    ("radio_cmas", "ana.usuaria", 3, "municipal",
     "Divulgar as reuniões do CMAS na rádio e nas redes",
     "Anunciar as reuniões do CMAS na rádio local e nas redes da prefeitura, com a pauta, para que os usuários "
     "possam participar.",
     None),
    ("forum_usuarios", "maria.usuaria", 3, "estadual",
     "Fórum estadual de usuários do SUAS",
     "Apoiar a criação e o funcionamento de um fórum estadual de usuários do SUAS, com encontros regionais.",
     None),
    ("diarias_delegados", "fernanda.trabalhadora", 3, "federal",
     "Transporte e diárias para delegados usuários",
     "Garantir transporte, hospedagem e alimentação para os delegados usuários nas etapas estadual e nacional "
     "das conferências.",
     None),
)


def submit(stage: Stage) -> None:
    for key, login, eixo, sphere, title, body, justification in PROPOSALS:
        stage.propose(key, login, eixo, sphere, title, body, justification)


def debate(stage: Stage) -> None:
    """Threaded debates with stances on both sides, one comment hidden by the moderation."""
    root = stage.comment("horario_cras", "maria.usuaria",
                         "Eu trabalho na roça até as 17h. Com o horário estendido eu consigo ser atendida.", "a_favor")
    reply = stage.comment("horario_cras", "carla.governo",
                          "A ideia é boa, mas precisamos ver se a equipe dá conta sem novas contratações.", "contra",
                          reply_to=root)
    deeper = stage.comment("horario_cras", "joao.trabalhador",
                           "Dá para fazer com escala entre a equipe, sem hora extra. Já fizemos isso na campanha do "
                           "Cadastro Único.", "a_favor", reply_to=reply)
    stage.comment("horario_cras", "rosa.usuaria", "Poderia começar com um dia por semana e avaliar.", "neutro",
                  reply_to=deeper)
    stage.comment("horario_cras", "lar.sao.vicente", "As entidades podem ajudar a divulgar o novo horário.", "a_favor")

    first = stage.comment("transporte_rural", "jose.usuario",
                          "Da minha comunidade até a cidade são 18 km. Sem o ônibus não tem como.", "a_favor")
    stage.comment("transporte_rural", "silvia.governo",
                  "O custo do transporte precisa caber no orçamento; sugiro usar o veículo da saúde nos dias livres.",
                  "contra", reply_to=first)
    stage.comment("transporte_rural", "benedito.usuario", "Apoio. Muita gente idosa mora no sítio.", "a_favor")

    stage.comment("creas_regional", "antonio.governo",
                  "Para um município do nosso porte, o CREAS regional é o caminho previsto.", "contra")
    stage.comment("creas_regional", "paulo.trabalhador",
                  "Os casos de violação de direitos estão aumentando e o regional fica longe.", "a_favor")

    stage.comment("orcamento_municipal", "luciana.governo",
                  "5% é muito para o nosso orçamento atual; podemos chegar lá em etapas.", "contra")
    stage.comment("orcamento_municipal", "apae", "Sem orçamento garantido, os serviços param.", "a_favor")

    offensive = stage.comment("radio_cmas", "fabio.governo",
                              "Quem propõe isso nunca foi a uma reunião do conselho.", None)
    stage.comment("radio_cmas", "luzia.usuaria", "Eu só fiquei sabendo da conferência pela rádio!", "a_favor")
    comment_services.hide_comment(stage.session, stage.secretary, stage.member(stage.secretary), offensive,
                                  reason="ataque pessoal, contrário às regras do debate", now=stage.now)

    stage.comment("forum_usuarios", "aparecida.usuaria", "Os usuários precisam de um espaço próprio.", "a_favor")
    stage.comment("diarias_delegados", "jovem.scfv",
                  "Sem ajuda de custo, os usuários não conseguem ir à etapa estadual.", "a_favor")


def systematize(stage: Stage) -> None:
    """The author withdraws one proposal and the secretariat merges two similar ones."""
    user, membership = stage.person("ana.usuaria")
    proposal_services.withdraw_proposal(
        stage.session, user, membership, stage.proposals["cadunico_itinerante"],
        reason="A ideia foi incluída na proposta do horário estendido do CRAS.", now=stage.now)
    merged = proposal_services.merge_proposals(
        stage.session, stage.secretary, stage.member(stage.secretary), stage.conference,
        proposal_ids=[stage.proposals["protecao_basica"].id, stage.proposals["scfv"].id],
        eixo_id=stage.eixo_id(2), sphere="estadual",
        title="Ampliar o cofinanciamento estadual da proteção básica, incluindo o SCFV",
        body="Aumentar o valor que o Estado repassa para os serviços de proteção social básica, com atenção ao "
             "Serviço de Convivência e Fortalecimento de Vínculos de crianças, adolescentes e idosos.",
        justification="Aglutinação das propostas dos grupos de trabalho do eixo 2.", now=stage.now)
    stage.proposals["protecao_basica_scfv"] = merged
