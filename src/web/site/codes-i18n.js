// Names of the directory's codes (programmes, services, disciplines,
// affiliation roles, verification methods) in each language the site
// speaks. Like the rest of the site's words, the translations other than
// English are machine-assisted and not yet reviewed by a native speaker.
// A code missing here is shown as its English words ("head_and_neck" ->
// "Head and neck").

import { lang } from './i18n.js';

const en = {
  soft_tissue: 'Soft-tissue sarcoma', bone: 'Bone sarcoma', gynaecological: 'Gynaecological sarcoma',
  retroperitoneal: 'Retroperitoneal sarcoma', paediatric: 'Children', teenage_young_adult: 'Teenagers and young adults',
  adult: 'Adults', gist: 'GIST (gastrointestinal stromal tumour)', desmoid: 'Desmoid tumours', spine: 'Spine',
  head_and_neck: 'Head and neck',
  tumour_board: 'Sarcoma tumour board', sarcoma_pathology_review: 'Review by a sarcoma pathologist',
  remote_review: 'Review of slides and scans sent from elsewhere',
  teleconsultation_domestic: 'Consultations with local oncologists by phone or video',
  teleconsultation_international: 'Consultations with oncologists abroad',
  international_patients: 'Patients from abroad', clinical_trials: 'Clinical trials',
  interventional_radiology: 'Interventional radiology', cryoablation: 'Cryoablation',
  thoracic_surgery: 'Thoracic surgery', isolated_limb_perfusion: 'Isolated limb perfusion',
  proton_therapy: 'Proton therapy', tissue_banking: 'Tissue bank', genomic_profiling: 'Genomic profiling',
  psycho_oncology: 'Psycho-oncology',
  medical_oncology: 'Medical oncology', surgical_oncology: 'Surgical oncology',
  orthopaedic_oncology: 'Orthopaedic oncology', gynaecological_oncology: 'Gynaecological oncology',
  radiation_oncology: 'Radiation oncology', paediatric_oncology: 'Paediatric oncology', pathology: 'Pathology',
  radiology: 'Radiology', other: 'Other',
  lead: 'Lead', member: 'Team member', visiting_consultant: 'Visiting consultant',
  telephone_call: 'Telephone call', institution_website: 'The institution’s website',
  written_attestation: 'Written confirmation', published_list: 'A published list',
};

const de = {
  soft_tissue: 'Weichteilsarkome', bone: 'Knochensarkome', gynaecological: 'Gynäkologische Sarkome',
  retroperitoneal: 'Retroperitoneale Sarkome', paediatric: 'Kinder', teenage_young_adult: 'Jugendliche und junge Erwachsene',
  adult: 'Erwachsene', gist: 'GIST (gastrointestinaler Stromatumor)', desmoid: 'Desmoidtumoren', spine: 'Wirbelsäule',
  head_and_neck: 'Kopf und Hals',
  tumour_board: 'Sarkom-Tumorkonferenz', sarcoma_pathology_review: 'Begutachtung durch eine Sarkom-Pathologin oder einen Sarkom-Pathologen',
  remote_review: 'Begutachtung eingesandter Schnitte und Bilder',
  teleconsultation_domestic: 'Beratung örtlicher Onkologen per Telefon oder Video',
  teleconsultation_international: 'Beratung von Onkologen im Ausland',
  international_patients: 'Patienten aus dem Ausland', clinical_trials: 'Klinische Studien',
  interventional_radiology: 'Interventionelle Radiologie', cryoablation: 'Kryoablation',
  thoracic_surgery: 'Thoraxchirurgie', isolated_limb_perfusion: 'Isolierte Extremitätenperfusion',
  proton_therapy: 'Protonentherapie', tissue_banking: 'Gewebebank', genomic_profiling: 'Genomische Analyse',
  psycho_oncology: 'Psychoonkologie',
  medical_oncology: 'Internistische Onkologie', surgical_oncology: 'Chirurgische Onkologie',
  orthopaedic_oncology: 'Orthopädische Onkologie', gynaecological_oncology: 'Gynäkologische Onkologie',
  radiation_oncology: 'Strahlentherapie', paediatric_oncology: 'Kinderonkologie', pathology: 'Pathologie',
  radiology: 'Radiologie', other: 'Andere',
  lead: 'Leitung', member: 'Teammitglied', visiting_consultant: 'Konsiliarärztin oder Konsiliararzt',
  telephone_call: 'Telefonat', institution_website: 'Website der Einrichtung',
  written_attestation: 'Schriftliche Bestätigung', published_list: 'Eine veröffentlichte Liste',
};

const fr = {
  soft_tissue: 'Sarcomes des tissus mous', bone: 'Sarcomes osseux', gynaecological: 'Sarcomes gynécologiques',
  retroperitoneal: 'Sarcomes rétropéritonéaux', paediatric: 'Enfants', teenage_young_adult: 'Adolescents et jeunes adultes',
  adult: 'Adultes', gist: 'GIST (tumeur stromale gastro-intestinale)', desmoid: 'Tumeurs desmoïdes', spine: 'Colonne vertébrale',
  head_and_neck: 'Tête et cou',
  tumour_board: 'Réunion de concertation sarcomes', sarcoma_pathology_review: 'Relecture par un pathologiste spécialiste des sarcomes',
  remote_review: 'Relecture de lames et d’imagerie envoyées d’ailleurs',
  teleconsultation_domestic: 'Avis aux oncologues locaux par téléphone ou vidéo',
  teleconsultation_international: 'Avis aux oncologues à l’étranger',
  international_patients: 'Patients venant de l’étranger', clinical_trials: 'Essais cliniques',
  interventional_radiology: 'Radiologie interventionnelle', cryoablation: 'Cryoablation',
  thoracic_surgery: 'Chirurgie thoracique', isolated_limb_perfusion: 'Perfusion isolée de membre',
  proton_therapy: 'Protonthérapie', tissue_banking: 'Tumorothèque', genomic_profiling: 'Profilage génomique',
  psycho_oncology: 'Psycho-oncologie',
  medical_oncology: 'Oncologie médicale', surgical_oncology: 'Chirurgie oncologique',
  orthopaedic_oncology: 'Chirurgie orthopédique oncologique', gynaecological_oncology: 'Oncologie gynécologique',
  radiation_oncology: 'Radiothérapie', paediatric_oncology: 'Oncologie pédiatrique', pathology: 'Anatomopathologie',
  radiology: 'Radiologie', other: 'Autre',
  lead: 'Responsable', member: 'Membre de l’équipe', visiting_consultant: 'Consultant extérieur',
  telephone_call: 'Appel téléphonique', institution_website: 'Site web de l’établissement',
  written_attestation: 'Confirmation écrite', published_list: 'Une liste publiée',
};

const es = {
  soft_tissue: 'Sarcomas de partes blandas', bone: 'Sarcomas óseos', gynaecological: 'Sarcomas ginecológicos',
  retroperitoneal: 'Sarcomas retroperitoneales', paediatric: 'Niños', teenage_young_adult: 'Adolescentes y adultos jóvenes',
  adult: 'Adultos', gist: 'GIST (tumor del estroma gastrointestinal)', desmoid: 'Tumores desmoides', spine: 'Columna vertebral',
  head_and_neck: 'Cabeza y cuello',
  tumour_board: 'Comité de tumores de sarcoma', sarcoma_pathology_review: 'Revisión por un patólogo experto en sarcomas',
  remote_review: 'Revisión de muestras e imágenes enviadas desde otro centro',
  teleconsultation_domestic: 'Consultas con oncólogos locales por teléfono o vídeo',
  teleconsultation_international: 'Consultas con oncólogos del extranjero',
  international_patients: 'Pacientes del extranjero', clinical_trials: 'Ensayos clínicos',
  interventional_radiology: 'Radiología intervencionista', cryoablation: 'Crioablación',
  thoracic_surgery: 'Cirugía torácica', isolated_limb_perfusion: 'Perfusión aislada de extremidad',
  proton_therapy: 'Protonterapia', tissue_banking: 'Banco de tejidos', genomic_profiling: 'Perfil genómico',
  psycho_oncology: 'Psicooncología',
  medical_oncology: 'Oncología médica', surgical_oncology: 'Cirugía oncológica',
  orthopaedic_oncology: 'Oncología ortopédica', gynaecological_oncology: 'Oncología ginecológica',
  radiation_oncology: 'Oncología radioterápica', paediatric_oncology: 'Oncología pediátrica', pathology: 'Anatomía patológica',
  radiology: 'Radiología', other: 'Otra',
  lead: 'Responsable', member: 'Miembro del equipo', visiting_consultant: 'Consultor visitante',
  telephone_call: 'Llamada telefónica', institution_website: 'Sitio web de la institución',
  written_attestation: 'Confirmación por escrito', published_list: 'Una lista publicada',
};

const it = {
  soft_tissue: 'Sarcomi dei tessuti molli', bone: 'Sarcomi ossei', gynaecological: 'Sarcomi ginecologici',
  retroperitoneal: 'Sarcomi retroperitoneali', paediatric: 'Bambini', teenage_young_adult: 'Adolescenti e giovani adulti',
  adult: 'Adulti', gist: 'GIST (tumore stromale gastrointestinale)', desmoid: 'Tumori desmoidi', spine: 'Colonna vertebrale',
  head_and_neck: 'Testa e collo',
  tumour_board: 'Gruppo multidisciplinare per i sarcomi', sarcoma_pathology_review: 'Revisione da parte di un patologo esperto di sarcomi',
  remote_review: 'Revisione di vetrini e immagini inviati da altri centri',
  teleconsultation_domestic: 'Consulti con oncologi locali per telefono o video',
  teleconsultation_international: 'Consulti con oncologi all’estero',
  international_patients: 'Pazienti dall’estero', clinical_trials: 'Studi clinici',
  interventional_radiology: 'Radiologia interventistica', cryoablation: 'Crioablazione',
  thoracic_surgery: 'Chirurgia toracica', isolated_limb_perfusion: 'Perfusione isolata d’arto',
  proton_therapy: 'Protonterapia', tissue_banking: 'Biobanca dei tessuti', genomic_profiling: 'Profilazione genomica',
  psycho_oncology: 'Psiconcologia',
  medical_oncology: 'Oncologia medica', surgical_oncology: 'Chirurgia oncologica',
  orthopaedic_oncology: 'Ortopedia oncologica', gynaecological_oncology: 'Oncologia ginecologica',
  radiation_oncology: 'Radioterapia oncologica', paediatric_oncology: 'Oncologia pediatrica', pathology: 'Anatomia patologica',
  radiology: 'Radiologia', other: 'Altro',
  lead: 'Responsabile', member: 'Membro dell’équipe', visiting_consultant: 'Consulente esterno',
  telephone_call: 'Telefonata', institution_website: 'Sito web dell’istituto',
  written_attestation: 'Conferma scritta', published_list: 'Un elenco pubblicato',
};

const TABLES = { en, de, fr, es, it };

/** "head_and_neck" -> "Head and neck": a code's own words. */
function words(code) {
  const s = String(code).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A code's name in the page's language (English, then its own words). */
export function codeName(code) {
  const table = TABLES[lang()] || en;
  return table[code] || en[code] || words(code);
}
