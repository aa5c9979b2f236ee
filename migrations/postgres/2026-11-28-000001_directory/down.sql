DROP TABLE directory_state;
DROP TABLE facts;
DROP TABLE affiliations;
DROP TABLE clinicians;
DROP TABLE centres;
