from django.urls import path

from . import committee_views, fee_views, fund_views, property_views, views

app_name = "ownersassoc"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("register/", views.register, name="register"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/notice/", views.meeting_notice, name="meeting_notice"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/sheets/", views.sheet_list, name="sheet_list"),
    path("meetings/<int:pk>/sheets/new/", views.sheet_create, name="sheet_create"),
    path("meetings/<int:pk>/sheets/import/", views.sheet_import, name="sheet_import"),
    path("sheets/<int:pk>/review/", views.sheet_review, name="sheet_review"),
    path("sheets/<int:pk>/photo/", views.sheet_photo, name="sheet_photo"),
    path("committee/", committee_views.committee_home, name="committee_home"),
    path("committee/new/", committee_views.committee_elect, name="committee_elect"),
    path("committee/<int:pk>/", committee_views.committee_detail, name="committee_detail"),
    path("documents/new/", committee_views.document_adopt, name="document_adopt"),
    path("documents/<int:pk>/", committee_views.document_detail, name="document_detail"),
    path("property/", property_views.contract_list, name="contract_list"),
    path("property/contracts/new/", property_views.contract_create, name="contract_create"),
    path("property/contracts/<int:pk>/", property_views.contract_detail, name="contract_detail"),
    path("fund/", fund_views.ledger, name="ledger"),
    path("fees/", fee_views.fee_arrears, name="fee_arrears"),
    path("fees/<int:pk>/", fee_views.fee_bill_action, name="fee_bill_action"),
    path(
        "fees/payments/<int:pk>/reverse/",
        fee_views.fee_payment_reverse,
        name="fee_payment_reverse",
    ),
]
