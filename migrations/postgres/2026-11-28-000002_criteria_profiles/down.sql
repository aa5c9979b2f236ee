DROP TABLE criteria_profiles;
