"""Demo provider packs: what the provider is told about the pupil, in three states of completion."""

from __future__ import annotations

from service.demo.world import World
from service.extensions import db
from service.provider_packs.models import ProviderPack


def load(world: World) -> None:
    """Packs to preview and send: Ellie's complete, Mo's with medical details kept out, Zoë's half done, with her
    safeguarding status kept out for a recorded reason (the pack says it was withheld by the school)."""
    senco = world.senco
    ellie, mo, zoe = (world.placements[k] for k in ("ellie", "mo", "zoe"))
    db.session.add_all(
        [
            ProviderPack(
                placement=ellie,
                send_needs="No identified SEN. Ellie finds long written tasks hard and gives up quickly.",
                literacy="Reads fluently; writing is short and she avoids it. Let her talk an answer through first.",
                what_works="A practical job as soon as she arrives; being trusted with tools; praise in private.",
                what_to_avoid="Being singled out in front of the group, or raised voices.",
                behaviours_that_challenge="Refuses work and leaves the room when she feels she is being judged.",
                strategies_that_worked="A calm reminder of the choice she has, and five minutes outside with an adult.",
                aptitudes_interests="Hands-on work, design, looking after younger children.",
                transport="Walks from home (15 minutes). Phone her mother if she has not arrived by 09:15.",
                updated_by_id=senco.id,
            ),
            ProviderPack(
                placement=mo,
                send_needs="Autism (EHC plan). Needs warning of any change to the day and a quiet space at breaks.",
                literacy="Working at GCSE grade 3 in English; uses a laptop for longer writing.",
                medical_needs="Epilepsy, well controlled; care plan with the school nurse.",
                what_works="A visual timetable for the day; instructions written down.",
                what_to_avoid="Crowded corridors and sudden noise.",
                aptitudes_interests="Maths, computing, trains.",
                transport="LA transport: minibus pick-up at 08:20.",
                withheld=["medical"],
                updated_by_id=senco.id,
            ),
            ProviderPack(
                placement=zoe,
                send_needs="Anxiety: gets very worried about new places.",
                # The safeguarding status kept out, as a recorded decision: the pack says it was withheld.
                withheld=["safeguarding_status"],
                withheld_reasons={
                    "safeguarding_status": "The early help plan is about a family matter at home; our DSL has "
                    "briefed the provider's DSL by phone, and will share more if it changes."
                },
                updated_by_id=senco.id,
            ),
        ]
    )
