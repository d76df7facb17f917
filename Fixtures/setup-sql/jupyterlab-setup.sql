-- =============================================================================
-- JupyterLab on Snowpark Container Services: one-time setup for the data team.
-- Run top to bottom in a Snowsight worksheet as ACCOUNTADMIN.
-- (Snowsight reads the procedure below without $$ quoting; SnowSQL would not.)
-- =============================================================================

USE ROLE ACCOUNTADMIN;

// names used throughout; change them here only
SET pool_name = 'JUPYTER_POOL';
SET service_name = 'JUPYTER_SERVICE';
SET (db_name, schema_name) = ('JUPYTER_DB', 'APP');
SET wh_name = 'JUPYTER_TASK_WH';

CREATE ROLE IF NOT EXISTS jupyter_admin;
GRANT ROLE jupyter_admin TO ROLE SYSADMIN;

CREATE DATABASE IF NOT EXISTS IDENTIFIER($db_name);
CREATE SCHEMA IF NOT EXISTS JUPYTER_DB.APP;
GRANT OWNERSHIP ON DATABASE IDENTIFIER($db_name) TO ROLE jupyter_admin COPY CURRENT GRANTS;
GRANT OWNERSHIP ON SCHEMA JUPYTER_DB.APP TO ROLE jupyter_admin COPY CURRENT GRANTS;
GRANT CREATE COMPUTE POOL ON ACCOUNT TO ROLE jupyter_admin;
GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE jupyter_admin;
GRANT EXECUTE TASK ON ACCOUNT TO ROLE jupyter_admin;
GRANT CREATE WAREHOUSE ON ACCOUNT TO ROLE jupyter_admin;

USE ROLE jupyter_admin;
USE SCHEMA JUPYTER_DB.APP;

CREATE IMAGE REPOSITORY IF NOT EXISTS jupyter_repo;
CREATE STAGE IF NOT EXISTS jupyter_specs
  DIRECTORY = (ENABLE = TRUE)
  COMMENT = 'service specs; keep jupyterlab.yaml here';

CREATE OR REPLACE NETWORK RULE pypi_rule
  MODE = EGRESS
  TYPE = HOST_PORT
  VALUE_LIST = ('pypi.org', 'files.pythonhosted.org');
CREATE OR REPLACE EXTERNAL ACCESS INTEGRATION pypi_access
  ALLOWED_NETWORK_RULES = (pypi_rule)
  ENABLED = TRUE;

/* The compute pool: one X-Small node, kept for an hour after the service stops.
   Note: it cannot auto-suspend while the service runs; the tasks below handle that. */
CREATE COMPUTE POOL IF NOT EXISTS IDENTIFIER($pool_name)
  min_nodes = 1
  MAX_NODES = 1
  INSTANCE_FAMILY = CPU_X64_XS
  AUTO_RESUME = TRUE
  AUTO_SUSPEND_SECS = 3600
  COMMENT = 'JupyterLab for the data team';

CREATE SERVICE IF NOT EXISTS IDENTIFIER($service_name)
  IN COMPUTE POOL IDENTIFIER($pool_name)
  FROM @jupyter_specs
  SPECIFICATION_FILE = 'jupyterlab.yaml'
  EXTERNAL_ACCESS_INTEGRATIONS = (pypi_access)
  MIN_INSTANCES = 1
  MAX_INSTANCES = 1;

SHOW SERVICES IN COMPUTE POOL JUPYTER_POOL;
DESCRIBE SERVICE JUPYTER_SERVICE;

-- A small warehouse to run the scheduler tasks.
CREATE WAREHOUSE IF NOT EXISTS IDENTIFIER($wh_name)
  WITH WAREHOUSE_SIZE = 'XSMALL'
  AUTO_SUSPEND = 60
  AUTO_RESUME = TRUE
  INITIALLY_SUSPENDED = TRUE;

-- SUSPEND or RESUME JupyterLab. SUSPEND also suspends the pool so that no node is billed overnight;
-- RESUME only resumes the service (the pool resumes itself, AUTO_RESUME = TRUE).
CREATE OR REPLACE PROCEDURE JUPYTER_DB.APP.SET_JUPYTER_STATE(STATUS VARCHAR)
  RETURNS VARCHAR
  LANGUAGE SQL
  EXECUTE AS OWNER
  COMMENT = 'SUSPEND or RESUME; SUSPEND also suspends the pool'
AS
DECLARE
  target_service VARCHAR DEFAULT 'JUPYTER_DB.APP.JUPYTER_SERVICE';
  target_pool VARCHAR DEFAULT 'JUPYTER_POOL';
  stmt VARCHAR;
BEGIN
  -- the service first: a pool cannot suspend while a service runs on it
  stmt := 'ALTER SERVICE ' || target_service || ' ' || UPPER(status);
  EXECUTE IMMEDIATE :stmt;
  IF (UPPER(:status) = 'SUSPEND') THEN
    stmt := 'ALTER COMPUTE POOL ' || target_pool || ' SUSPEND';
    EXECUTE IMMEDIATE :stmt;
  END IF;
  RETURN 'JupyterLab ' || UPPER(status) || ' done; pool ' || target_pool;
EXCEPTION
  WHEN OTHER THEN
    RETURN 'failed (' || SQLCODE || '): ' || SQLERRM;
END;

-- Weekdays 10:00 to 19:00 Tokyo time.
CREATE OR REPLACE TASK JUPYTER_DB.APP.JUPYTER_RESUME_TASK
  WAREHOUSE = JUPYTER_TASK_WH
  SCHEDULE = 'USING CRON 0 10 * * MON-FRI Asia/Tokyo'
  COMMENT = 'start JupyterLab on weekday mornings'
AS
  JUPYTER_DB.APP.SET_JUPYTER_STATE('RESUME');

CREATE OR REPLACE TASK JUPYTER_DB.APP.JUPYTER_SUSPEND_TASK
  WAREHOUSE = JUPYTER_TASK_WH
  SCHEDULE = 'USING CRON 0 19 * * MON-FRI Asia/Tokyo'
  USER_TASK_TIMEOUT_MS = 600000
  COMMENT = 'stop JupyterLab and its pool on weekday evenings'
AS
  CALL SET_JUPYTER_STATE(STATUS => 'suspend');

-- tasks are created suspended: start both
ALTER TASK JUPYTER_DB.APP.JUPYTER_RESUME_TASK RESUME;
ALTER TASK jupyter_suspend_task RESUME;

SHOW TASKS IN SCHEMA JUPYTER_DB.APP;
SELECT SYSTEM$GET_SERVICE_STATUS('JUPYTER_SERVICE');
