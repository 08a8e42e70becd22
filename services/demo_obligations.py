def seed_rule_snapshots(*, rng, stdout=None):
    pass


def seed_work_tasks(*, stdout=None):
    pass
