DROP TABLE webhook_dead_letters;
DROP TABLE webhook_attempts;
DROP TABLE webhook_endpoints;
