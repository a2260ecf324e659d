DROP TABLE diagnostic_lines;
