from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Ballot, BallotSheet, Motion, Ownership, OwnersMeeting


@admin.register(Ownership)
class OwnershipAdmin(SimpleHistoryAdmin):
    list_display = ["dwelling", "owner", "started_on", "ended_on", "certificate_number", "derived"]
    list_select_related = ["dwelling__building", "owner"]
    list_filter = ["derived"]
    search_fields = ["owner__name", "certificate_number", "dwelling__building__code"]
    raw_id_fields = ["dwelling", "owner"]
    show_full_result_count = False


class MotionInline(admin.TabularInline):
    model = Motion
    extra = 0


@admin.register(OwnersMeeting)
class OwnersMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "form", "notice_date", "held_on", "ballots_closed"]
    list_filter = ["kind", "form", "ballots_closed"]
    search_fields = ["title"]
    inlines = [MotionInline]
    raw_id_fields = ["created_by"]


class BallotInline(admin.TabularInline):
    model = Ballot
    extra = 0
    raw_id_fields = ["motion", "owner"]


@admin.register(BallotSheet)
class BallotSheetAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "owner", "source", "status", "signed_on", "collected_by"]
    list_select_related = ["meeting", "owner", "collected_by"]
    list_filter = ["status", "source"]
    search_fields = ["owner__name", "meeting__title"]
    raw_id_fields = ["meeting", "owner", "collected_by", "reviewed_by"]
    inlines = [BallotInline]
    show_full_result_count = False
