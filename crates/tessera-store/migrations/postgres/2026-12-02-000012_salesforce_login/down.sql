DROP TABLE salesforce_links;
DROP TABLE salesforce_states;
