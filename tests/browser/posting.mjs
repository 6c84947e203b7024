// A posting written for these tests and the README's screenshots (not taken
// from any job board): HTML as boards publish it, with non-ASCII text before
// the skills so the page's byte-to-index conversion is exercised.
export const title = 'Senior Data Engineer (Spark / Airflow)';

export const description = `<p>Zürich or remote in Europe · Ωmega Freight moves 40,000 containers a week and every one of them leaves a trail of events.</p>
<p>You will own the pipelines that turn those events into the numbers our planners trust: batch and streaming jobs, the warehouse they feed, and the checks that keep them honest.</p>
<h3>What you bring</h3>
<ul>
<li>5+ years of Python and solid SQL</li>
<li>Experience with Apache Spark and Airflow in production</li>
<li>Kafka or another event streaming platform</li>
<li>Good knowledge of AWS (S3, Glue, Redshift)</li>
</ul>
<h3>Nice to have</h3>
<ul>
<li>Terraform and Docker</li>
<li>dbt, or another way of testing data models</li>
</ul>
<h3>Our stack</h3>
<p>PostgreSQL, Kubernetes, GitLab CI and Grafana. We work in English; German is a plus.</p>`;
