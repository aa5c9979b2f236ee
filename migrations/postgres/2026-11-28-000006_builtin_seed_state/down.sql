DROP TABLE seed_state;
