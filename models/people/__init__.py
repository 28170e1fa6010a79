"""Citizens (issue 15): persons, agencies and their staff, enterprises' schedules, mobile intake sessions,
and the imports of the lists the unit works from (``models/people/importing``). Schema: migration m014."""
