-- wrk script: POST a second-opinion request with plainly fake data.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"patient":{"name":"Zoë Müller-Øvergård (synthetic)","email":"synthetic@example.org","address":"1 Example Street\nTestville"},
"diagnosis":{"subtype":"leiomyosarcoma","primary_site":"uterus","diagnosed_on":"2026-01-15","grade":"high","size_cm":8,"margins":"microscopic_positive","treatments_so_far":"none"},
"target":{"centre_id":"sarkomzentrum-der-universitat-erlangen"},"records":["pathology_report","slides_and_blocks"]}]]
