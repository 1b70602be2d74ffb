"""Names of endpoints, populations and groups as figures and tables show them."""

from __future__ import annotations

ENDPOINTS = {
    "alsfrs_r": "ALSFRS-R",
    "svc": "Slow vital capacity",
    "hhd": "Hand-held dynamometry",
    "alsaq5": "ALSAQ-5",
    "eq5d5l": "EQ-5D-5L",
    "csf_sod1": "CSF SOD1",
    "plasma_nfl": "Plasma NfL",
}
POPULATIONS = {"faster": "faster progression", "slower": "slower progression", "all": "whole cohort"}
STRATA = {"faster": "faster stratum", "slower": "slower stratum", "all": "whole cohort"}
# The extension's groups, and the randomised arm each comes from (colours and styles).
GROUP_ARM = {"early start": "tofersen", "delayed start": "placebo"}


def endpoints_in_words(endpoints) -> str:
    """``['hhd', 'csf_sod1']`` -> ``'hand-held dynamometry and CSF SOD1'``."""
    names = [ENDPOINTS[e] for e in endpoints]
    names = [n[0].lower() + n[1:] if n[1:2].islower() else n for n in names]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
