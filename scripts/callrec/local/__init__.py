"""The embedded default: the AWS side of the pipeline, offline on one machine.

One module per concern: ``stack`` (lifecycle and endpoint wiring of a registry of services),
``moto_service`` (S3, DynamoDB, SNS, SQS, EventBridge, Kinesis, KMS), ``transcribe`` (the
Transcribe Call Analytics emulator), ``audio`` and ``speech`` (8 kHz audio, shipped clips and
espeak-ng), ``recording`` (the stereo recording Chime writes), ``bucket_policy`` (how S3 would
judge the Chime principal), ``delivery`` (S3 and EventBridge events to the Chalice handlers),
``sma_runtime`` (Chime's side of the SIP media application) and ``demo`` (the orchestration).
The app code under chalicelib/ never knows it runs here: it only sees AWS_ENDPOINT_URL_<SERVICE>.
"""
