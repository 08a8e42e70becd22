"""The responsible units of the plan (石精扶字〔2019〕64号) and which measures each owns.

``DEPARTMENTS`` seeds the ``Department`` table (data migration 0002); ``MEASURE_UNITS``
is the plan's responsibility matrix, by measure number, read by routing and rules.
"""

# (code, name, kind, supervises, order)
DEPARTMENTS = [
    ("qinjiang-town", "琴江镇人民政府", "town", True, 10),
    ("poverty-office", "县扶贫办", "coordinator", True, 20),
    ("civil-affairs", "县民政局", "bureau", False, 30),
    ("organisation-dept", "县组织部", "bureau", False, 40),
    ("public-security", "县公安局", "police", False, 50),
    ("fire-brigade", "县消防大队", "police", False, 60),
    ("qinjiang-police", "琴江镇派出所", "police", False, 70),
    ("finance", "县财政局", "bureau", False, 80),
    ("health", "县卫健委", "bureau", False, 90),
    ("medical-insurance", "县医保局", "bureau", False, 100),
    ("natural-resources", "县自然资源局", "bureau", False, 110),
    ("forestry", "县林业局", "bureau", False, 120),
    ("education", "县教科体局", "bureau", False, 130),
    ("transport", "县交通运输局", "bureau", False, 140),
    ("human-resources", "县人社局", "bureau", False, 150),
    ("vocational-school", "县职业学校", "school", False, 160),
    ("womens-federation", "县妇联", "organisation", False, 170),
    ("disabled-federation", "县残联", "organisation", False, 180),
    ("townships", "各乡镇人民政府", "townships", False, 190),
]

MEASURE_UNITS = {
    "1": [
        "qinjiang-town",
        "poverty-office",
        "civil-affairs",
        "organisation-dept",
        "public-security",
    ],
    "2": ["qinjiang-town", "poverty-office"],
    "3": ["qinjiang-town", "poverty-office"],
    "4": ["finance", "poverty-office", "qinjiang-town"],
    "5.1": ["public-security", "fire-brigade", "qinjiang-police", "townships"],
    "5.2": ["health", "medical-insurance", "townships"],
    "5.3": ["natural-resources", "forestry", "townships"],
    "6.1": ["education"],
    "6.2": ["transport", "education"],
    "6.3": ["human-resources", "vocational-school", "poverty-office", "townships"],
    "6.4": ["civil-affairs", "womens-federation", "disabled-federation", "townships"],
}
