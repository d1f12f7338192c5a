"""Vocabularies of the project cycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.TextChoices):
    KCQG = "kcqg", _("national (KCQG)")
    KCDP = "kcdp", _("provincial (KCĐP)")
    OTHER = "other", _("other")


class ProjectKind(models.TextChoices):
    ORDINARY = "ordinary", _("ordinary project")
    PILOT = "pilot", _("pilot (“point”) project")
    GROUP = "group", _("group project")
    INTER_REGIONAL = "inter_regional", _("inter-regional project")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to the DOIT")
    RETURNED = "returned", _("returned for completion")
    DOIT_APPRAISED = "doit_appraised", _("appraised by the DOIT")
    FORWARDED = "forwarded", _("forwarded to the agency")
    UNDER_REVIEW = "under_review", _("under expert review")
    AGENCY_APPRAISED = "agency_appraised", _("appraised by the council")
    APPROVED = "approved", _("approved")
    IN_PROGRESS = "in_progress", _("in progress")
    ACCEPTED = "accepted", _("accepted (nghiệm thu)")
    SETTLED = "settled", _("settled (quyết toán)")
    STOPPED = "stopped", _("stopped")
    REJECTED = "rejected", _("not approved")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Statuses in which the proposal's content may still be edited (by its owner).
EDITABLE = {Status.DRAFT, Status.RETURNED}
# Statuses of projects that were approved at some point (they hold decided money).
DECIDED = {Status.APPROVED, Status.IN_PROGRESS, Status.ACCEPTED, Status.SETTLED, Status.STOPPED}
# Statuses counted among the proposals of a round (everything filed, nothing withdrawn).
FILED = set(Status) - {Status.DRAFT, Status.WITHDRAWN}


class BudgetCategory(models.TextChoices):
    EQUIPMENT = "equipment", _("machinery and equipment")
    TRAINING = "training", _("training and workshops")
    FAIR = "fair", _("fairs and exhibitions")
    CONSULTING = "consulting", _("consulting and information")
    CONSTRUCTION = "construction", _("construction and infrastructure")
    SELECTION = "selection", _("product selection")
    MANAGEMENT = "management", _("management and organisation")
    OTHER = "other", _("other")


class LedgerKind(models.TextChoices):
    """What a money movement is (IATI's transaction types, plus refunds and recommendations)."""

    REQUESTED = "requested", _("requested state support")
    COUNTERPART_REQUESTED = "counterpart_requested", _("counterpart funds planned")
    RECOMMENDED_DOIT = "recommended_doit", _("recommended by the DOIT")
    RECOMMENDED = "recommended", _("recommended by the council")
    ALLOCATED = "allocated", _("allocated (decision)")
    AMENDED = "amended", _("amended (decision)")
    ADVANCED = "advanced", _("advance paid")
    DISBURSED = "disbursed", _("payment")
    SETTLED = "settled", _("settled")
    REFUNDED = "refunded", _("refunded to the budget")
    COUNTERPART_ACTUAL = "counterpart_actual", _("counterpart funds spent")


PLAN_KINDS = (LedgerKind.ALLOCATED, LedgerKind.AMENDED)
PAID_KINDS = (LedgerKind.ADVANCED, LedgerKind.DISBURSED)


class EventKind(models.TextChoices):
    CREATED = "created", _("created")
    SUBMITTED = "submitted", _("submitted")
    LATE_ACCEPTED = "late_accepted", _("accepted after the deadline")
    RETURNED = "returned", _("returned")
    DOIT_APPRAISED = "doit_appraised", _("appraised by the DOIT")
    FORWARDED = "forwarded", _("forwarded to the agency")
    EXPERT_ASSIGNED = "expert_assigned", _("expert assigned")
    CONFLICT_DECLARED = "conflict_declared", _("conflict of interest declared")
    REVIEW_SUBMITTED = "review_submitted", _("expert review submitted")
    COUNCIL_CONCLUDED = "council_concluded", _("council result")
    APPROVED = "approved", _("approved")
    AMENDED = "amended", _("amended")
    REJECTED = "rejected", _("not approved")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CONTRACT_SIGNED = "contract_signed", _("contract signed")
    ADVANCE = "advance", _("advance paid")
    PAYMENT = "payment", _("payment")
    PROGRESS = "progress", _("progress reported")
    RESULT = "result", _("results reported")
    EFFECTS = "effects", _("effect figures recorded")
    ACCEPTED = "accepted", _("accepted")
    SETTLED = "settled", _("settled")
    STOPPED = "stopped", _("stopped")
    REFUND = "refund", _("refund to the budget")
    NORM_EXCEPTION = "norm_exception", _("exception to a support norm")
