"""Mean age per city in a CSV file: python3 stats.py people.csv"""

import csv
import sys
from collections import defaultdict

ages = defaultdict(list)
with open(sys.argv[1], newline="") as f:
    for row in csv.DictReader(f):
        ages[row["city"]].append(int(row["age"]))

for city, values in sorted(ages.items()):
    print(f"{city:<10} {len(values)} {sum(values) / len(values):5.1f}")
