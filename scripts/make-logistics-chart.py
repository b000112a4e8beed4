#!/usr/bin/python3
"""Writes the synthetic org chart of the logistics-140 scenario (140 people) as CSV.

Usage: scripts/make-logistics-chart.py [OUT]   (default: experiments/configs/scenarios/staff.csv)

Deterministic (its own small random generator, no packages): running it again gives the same
bytes. Five departments, two sites, three management levels (CEO -> department heads -> team
leads -> staff): sales 16, dispatch 61 and warehouse 42 at the port depot, finance/admin 13 (with
the CEO) and IT 8 at the city office. Salaries are annual EUR for the person's FTE (a part-timer
at 0.5 FTE earns half the full-time salary). The columns are those of docs/org-charts.md.
"""
import os
import sys

SEED = 140


class Random:
    """A 64-bit linear congruential generator (Knuth's MMIX constants): the same numbers on every
    Python version."""

    def __init__(self, seed):
        self.state = seed

    def unit(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 11) / 2**53

    def between(self, low, high):
        return low + (high - low) * self.unit()

    def pick(self, items):
        return items[int(self.unit() * len(items))]


# name, site, head's title, head's salary, teams as (team lead title, staff title, staff count),
# full-time staff salary range, team lead salary range
DEPARTMENTS = [
    ("finance/admin", "city office", "Head of Finance and Administration", 98000,
     [("Team Lead Accounting", "Accountant", 4), ("Team Lead Invoicing and Admin", "Invoicing Clerk", 5)],
     (42000, 54000), (58000, 64000)),
    ("sales", "city office", "Head of Sales", 105000,
     [("Team Lead Key Accounts", "Account Manager", 6), ("Team Lead Customer Service", "Customer Service Agent", 7)],
     (44000, 60000), (62000, 70000)),
    ("dispatch", "port depot", "Head of Dispatch", 92000,
     [("Team Lead Dispatch", "Dispatcher", 9)] * 6,
     (36000, 44000), (50000, 56000)),
    ("warehouse", "port depot", "Head of Warehouse", 88000,
     [("Team Lead Warehouse", "Warehouse Operative", 10), ("Team Lead Warehouse", "Warehouse Operative", 9),
      ("Team Lead Warehouse", "Forklift Driver", 9), ("Team Lead Warehouse", "Warehouse Operative", 9)],
     (30000, 38000), (44000, 50000)),
    ("IT", "city office", "Head of IT", 110000,
     [("Team Lead IT Operations", "IT Administrator", 6)],
     (55000, 72000), (74000, 80000)),
]

PART_TIME = [0.5, 0.6, 0.8]


def hire_date(rng, first_year, last_year):
    year = int(rng.between(first_year, last_year + 1))
    month = 1 + int(rng.unit() * 12)
    day = 1 + int(rng.unit() * 28)
    return f"{year:04d}-{month:02d}-{day:02d}"


def rows():
    rng = Random(SEED)
    people = []

    def add(department, site, title, manager, salary, fte, hired):
        person_id = f"E{len(people) + 1:03d}"
        people.append([person_id, manager, department, title, site, f"{round(salary * fte / 100) * 100:d}",
                       f"{fte:g}", hired])
        return person_id

    ceo = add("finance/admin", "city office", "Chief Executive Officer", "", 165000, 1, "2009-04-01")
    for name, site, head_title, head_salary, teams, staff_pay, lead_pay in DEPARTMENTS:
        head = add(name, site, head_title, ceo, head_salary, 1, hire_date(rng, 2009, 2018))
        for lead_title, staff_title, count in teams:
            lead = add(name, site, lead_title, head, rng.between(*lead_pay), 1, hire_date(rng, 2010, 2021))
            for _ in range(count):
                fte = rng.pick(PART_TIME) if rng.unit() < 0.08 else 1
                add(name, site, staff_title, lead, rng.between(*staff_pay), fte, hire_date(rng, 2012, 2025))
    return people


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "experiments", "configs", "scenarios", "staff.csv")
    people = rows()
    assert len(people) == 140, len(people)
    with open(out, "w", newline="") as f:
        f.write("id,manager_id,department,title,site,annual_salary,fte,hire_date\n")
        for person in people:
            f.write(",".join(person) + "\n")


if __name__ == "__main__":
    main()
