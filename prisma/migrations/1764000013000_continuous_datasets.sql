-- Up Migration
-- Continuous datasets (issue 4 section 4, issue 3 roll schedules): a dataset of kind 'continuous'
-- holds no ticks of its own; it strings together component datasets, each holding one dated
-- contract of the same root (e.g. MNQH5, MNQM5), and rolls from one to the next by its roll rule
-- (roll_rule: {"kind":"calendar","daysBeforeExpiry":8} | {"kind":"volume"} |
-- {"kind":"manual","dates":["2025-03-13", ...]}). The resolved roll schedule is stored in the
-- dataset's provenance when it is created (lib/data/continuous-datasets.ts).
-- A component cannot be deleted while a continuous dataset uses it (RESTRICT; the app answers 409
-- first with the names of those datasets); deleting the continuous dataset removes its rows.
ALTER TABLE datasets ADD COLUMN kind text NOT NULL DEFAULT 'single' CHECK (kind IN ('single', 'continuous'));
ALTER TABLE datasets ADD COLUMN roll_rule jsonb;

CREATE TABLE dataset_components (
  dataset_id       integer NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  component_id     integer NOT NULL REFERENCES datasets(id) ON DELETE RESTRICT,
  contract_symbol  text NOT NULL,
  position         integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (dataset_id, position),
  UNIQUE (dataset_id, component_id),
  CHECK (dataset_id <> component_id)
);
CREATE INDEX dataset_components_component_idx ON dataset_components(component_id);

-- Down Migration
DROP TABLE dataset_components;
ALTER TABLE datasets DROP COLUMN roll_rule;
ALTER TABLE datasets DROP COLUMN kind;
