"""Access-log classification of the evaluations (see `stadtlage.audit.access`).

Evaluations are internal analysis records of the Sonderstab (aggregates of places and
periods): every page that shows one is logged, like recommendations.
"""

from stadtlage.audit.access import logged, no_records, register

EVALUATION = logged("evaluation.evaluation")

register(
    {
        "evaluation:list": EVALUATION,
        "evaluation:create": no_records("leeres Formular"),
        "evaluation:not_possible": EVALUATION,
        "evaluation:detail": EVALUATION,
        "evaluation:design": EVALUATION,
        "evaluation:freeze": EVALUATION,
        "evaluation:revise": EVALUATION,
        "evaluation:compute": EVALUATION,
    }
)
