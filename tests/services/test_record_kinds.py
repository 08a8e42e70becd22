from community.departments import DEPARTMENTS, MEASURE_UNITS
from services.records.kinds import KINDS, kinds_owned_by


def test_url_kinds_are_the_model_names():
    assert set(KINDS) == {
        "training",
        "employment",
        "schoolenrolment",
        "medicalinsurance",
        "pensionenrolment",
        "residencepermit",
        "hukoumigration",
        "allowance",
        "familyplanningrecord",
        "landholding",
    }
    for key, kind in KINDS.items():
        assert kind.model._meta.model_name == key


def test_every_recording_unit_is_named_by_the_plan():
    codes = {code for code, *_ in DEPARTMENTS}
    for kind in KINDS.values():
        assert set(kind.units) <= codes, kind.key
        assert set(kind.units) <= set(MEASURE_UNITS[kind.measure]), kind.key
        for unit, subkinds in kind.unit_subkinds.items():
            assert unit in kind.units
            assert set(subkinds) <= set(dict(kind.model._meta.get_field("kind").flatchoices))


def test_responsibilities_as_the_plan_assigns_them():
    assert [k.key for k in kinds_owned_by("education")] == ["schoolenrolment"]
    assert [k.key for k in kinds_owned_by("womens-federation")] == ["allowance"]
    assert KINDS["allowance"].unit_may_record("womens-federation", "women")
    assert not KINDS["allowance"].unit_may_record("womens-federation", "dibao_rural")
    assert KINDS["allowance"].unit_may_record("civil-affairs", "dibao_urban")
    assert not kinds_owned_by("finance")
