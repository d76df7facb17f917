-- Inference service: a $$-quoted SQL procedure and a serverless task that stops it every night.
USE ROLE ml_admin;
USE SCHEMA ML.SERVING;

CREATE COMPUTE POOL inference_pool
  INSTANCE_FAMILY = cpu_x64_s
  MAX_NODES = 3
  MIN_NODES = 1
  INITIALLY_SUSPENDED = TRUE;   -- AUTO_SUSPEND_SECS not given: 3600 by default

CREATE SERVICE ml.serving.inference_svc
  IN COMPUTE POOL inference_pool
  FROM SPECIFICATION $$
spec:
  containers:
  - name: model
    image: /ml/serving/repo/model:1.4
    args: ["--workers=2;--threads=4"]
$$;

CREATE OR REPLACE PROCEDURE ml.serving.scale_inference(action STRING, svc STRING DEFAULT 'ML.SERVING.INFERENCE_SVC')
RETURNS STRING
LANGUAGE SQL
AS
$$
BEGIN
  CASE (UPPER(action))
    WHEN 'STOP' THEN
      ALTER SERVICE IDENTIFIER(:svc) SUSPEND;
      ALTER COMPUTE POOL inference_pool SUSPEND;
    WHEN 'START' THEN
      ALTER COMPUTE POOL inference_pool RESUME;
      ALTER SERVICE IDENTIFIER(:svc) RESUME;
    ELSE
      RETURN 'unknown action ''' || action || '''; use START or STOP';
  END CASE;
  RETURN 'ok';
END;
$$;

CREATE TASK IF NOT EXISTS ml.serving.stop_inference_nightly
  USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'XSMALL'
  SCHEDULE = 'USING CRON 30 22 * * * UTC'
AS
  CALL ml.serving.scale_inference('STOP');

CREATE TASK IF NOT EXISTS ml.serving.start_inference_morning
  SCHEDULE = 'USING CRON 0 7 * * MON-FRI UTC'
AS
  EXECUTE IMMEDIATE 'CALL ml.serving.scale_inference(''START'')';

ALTER TASK ml.serving.stop_inference_nightly RESUME;

-- first tuning pass, then the value agreed with the team
ALTER COMPUTE POOL inference_pool SET MAX_NODES = 2 AUTO_SUSPEND_SECS = 300;
ALTER COMPUTE POOL INFERENCE_POOL SET AUTO_SUSPEND_SECS = 600;
ALTER COMPUTE POOL inference_pool RESUME;
