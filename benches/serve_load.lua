-- wrk script for `benches/serve_load.sh`: single-posting POST /v1/label.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"load-1","title":"Senior Backend Engineer (Java, Spring)","description":"<p>We build payment APIs.</p><ul><li>5+ years of experience with Java and Spring Boot</li><li>PostgreSQL, Kafka and Docker</li><li>REST API design, CI/CD</li></ul><p>Nice to have: Kubernetes, AWS.</p>"}'
