-- Dashboards on Snowpark Container Services (Frankfurt team), office hours only.
-- Run as one worksheet. The pool's session variable was set in an earlier worksheet, not this one.

USE ROLE SYSADMIN;
USE WAREHOUSE OPS_WH;

SET db_name = 'DASH_DB';
SET schema_name = 'APP';
SET service_fqn = 'DASH_DB.APP.DASH_SVC';
-- SET pool_name = 'DASH_POOL';   (set by hand in the first worksheet)

CREATE DATABASE IF NOT EXISTS IDENTIFIER($db_name);
CREATE SCHEMA IF NOT EXISTS DASH_DB.APP;
CREATE IMAGE REPOSITORY IF NOT EXISTS DASH_DB.APP.IMAGES;

CREATE COMPUTE POOL IF NOT EXISTS DASH_POOL
  MIN_NODES = 2
  MAX_NODES = 3
  INSTANCE_FAMILY = cpu_x64_s
  AUTO_RESUME = FALSE
  AUTO_SUSPEND_SECS = 1800
  COMMENT = 'dashboards';

CREATE SERVICE IF NOT EXISTS IDENTIFIER($service_fqn)
  IN COMPUTE POOL IDENTIFIER($pool_name)
  FROM SPECIFICATION $$
    spec:
      containers:
      - name: dash
        image: /dash_db/app/images/dash:2.1
      endpoints:
      - name: ui
        port: 8050
        public: true
  $$
  MIN_INSTANCES = 1
  MAX_INSTANCES = 1;

CREATE WAREHOUSE IF NOT EXISTS OPS_WH WAREHOUSE_SIZE = XSMALL AUTO_SUSPEND = 60 INITIALLY_SUSPENDED = TRUE;

-- Suspends or resumes a service and its pool: finds the pool with DESC SERVICE, looks at the pool's state with
-- DESC COMPUTE POOL, and acts only when the state calls for it.
CREATE OR REPLACE PROCEDURE DASH_DB.APP.MANAGE_SERVICE(svc_name VARCHAR, action VARCHAR)
RETURNS VARCHAR
LANGUAGE SQL
EXECUTE AS OWNER
AS
$$
DECLARE
  act VARCHAR DEFAULT UPPER(:action);
  pool_state VARCHAR;
  log VARCHAR DEFAULT '';
  c1 CURSOR FOR SELECT "name", "compute_pool", "status" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()));
BEGIN
  DESC SERVICE IDENTIFIER(:svc_name);
  FOR rec IN c1 DO
    EXECUTE IMMEDIATE 'DESC COMPUTE POOL ' || rec."compute_pool";
    SELECT "state" INTO :pool_state FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()));
    IF (act = 'SUSPEND') THEN
      IF (rec."status" <> 'SUSPENDED') THEN
        EXECUTE IMMEDIATE 'ALTER SERVICE ' || :svc_name || ' SUSPEND';
      END IF;
      IF (pool_state IN ('ACTIVE', 'IDLE')) THEN
        EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || rec."compute_pool" || ' SUSPEND';
        log := log || 'suspended ' || rec."compute_pool" || '; ';
      END IF;
    ELSEIF (act = 'RESUME') THEN
      IF (pool_state = 'SUSPENDED') THEN
        EXECUTE IMMEDIATE CONCAT('ALTER COMPUTE POOL ', rec."compute_pool", ' RESUME');
      END IF;
      EXECUTE IMMEDIATE 'ALTER SERVICE ' || :svc_name || ' RESUME';
    END IF;
  END FOR;
  RETURN log;
EXCEPTION
  WHEN OTHER THEN
    RETURN 'failed: ' || SQLERRM;
END;
$$;

CREATE OR REPLACE TASK DASH_DB.APP.DASH_RESUME
  WAREHOUSE = OPS_WH
  SCHEDULE = 'USING CRON 30 8 * * MON-FRI Europe/Berlin'
AS
  CALL DASH_DB.APP.MANAGE_SERVICE('DASH_DB.APP.DASH_SVC', 'resume');

CREATE OR REPLACE TASK DASH_DB.APP.DASH_SUSPEND
  WAREHOUSE = OPS_WH
  SCHEDULE = 'USING CRON 0 18 * * MON-FRI Europe/Berlin'
AS
  CALL DASH_DB.APP.MANAGE_SERVICE(svc_name => 'DASH_DB.APP.DASH_SVC', action => 'suspend');

ALTER TASK DASH_DB.APP.DASH_RESUME RESUME;
ALTER TASK DASH_DB.APP.DASH_SUSPEND RESUME;

GRANT USAGE ON SERVICE DASH_DB.APP.DASH_SVC TO ROLE ANALYST;
SHOW SERVICES IN COMPUTE POOL DASH_POOL;
