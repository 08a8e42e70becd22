from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = [
    "ownersassoc.view_ownership",
    "ownersassoc.view_ownersmeeting",
    "ownersassoc.view_motion",
    "ownersassoc.view_ballotsheet",
    "ownersassoc.view_ballot",
    "ownersassoc.view_committeeterm",
    "ownersassoc.view_committeemember",
    "ownersassoc.view_committeemeeting",
    "ownersassoc.view_committeeresolution",
    "ownersassoc.view_governingdocument",
    "ownersassoc.view_propertycompany",
    "ownersassoc.view_servicecontract",
    "ownersassoc.view_contractevaluation",
    "ownersassoc.view_contractrequest",
    "ownersassoc.view_fundentry",
    "ownersassoc.view_feebill",
    "ownersassoc.view_feepayment",
    "ownersassoc.view_feereminder",
]


class OwnersassocConfig(AppConfig):
    name = "ownersassoc"
    verbose_name = _("Owners' association")
    # {role member name (community.roles.Role): ["app_label.codename", ...]}. Staff manage
    # the owners' side; committee members read it; building leaders collect ballots on the
    # phone pages for their own buildings (scoped by buildings.selectors, not by a perm).
    role_permissions = {
        "STAFF": _READ
        + [
            "ownersassoc.add_ownership",
            "ownersassoc.change_ownership",
            "ownersassoc.add_ownersmeeting",
            "ownersassoc.change_ownersmeeting",
            "ownersassoc.add_motion",
            "ownersassoc.add_ballotsheet",
            "ownersassoc.change_ballotsheet",
            "ownersassoc.add_committeeterm",
            "ownersassoc.change_committeeterm",
            "ownersassoc.add_committeemeeting",
            "ownersassoc.add_governingdocument",
            "ownersassoc.add_propertycompany",
            "ownersassoc.add_servicecontract",
            "ownersassoc.add_contractevaluation",
            "ownersassoc.add_contractrequest",
            "ownersassoc.add_fundentry",
            "ownersassoc.add_feebill",
            "ownersassoc.add_feepayment",
            "ownersassoc.add_feereminder",
        ],
        # Committee members read the owners' side, record their own meetings and evaluate
        # the property-service contract each quarter.
        "OWNERS_COMMITTEE": _READ
        + ["ownersassoc.add_committeemeeting", "ownersassoc.add_contractevaluation"],
        "BUILDING_LEADER": ["ownersassoc.add_ballotsheet"],
    }

    def ready(self):
        # The owners' workbooks join the reports catalogue (services may not import this app).
        from services.reports.definitions import register_reports

        from .reports import REPORTS

        register_reports(*REPORTS)
