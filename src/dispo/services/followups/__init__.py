"""The monthly budget follow-up (budgetopfølgning): frozen snapshots, their changes, approval, the committee
report and the year's series of follow-ups."""
