import { Module } from '@nestjs/common';
import { PayeesController } from './payees.controller';
import { PayeesReader } from './payees.reader';
import { PayeesRepository } from './payees.repository';
import { PayeesService } from './payees.service';

/** The payee directory: who a user_… id is, and how payroll knows them. */
@Module({
  controllers: [PayeesController],
  providers: [PayeesRepository, PayeesService, PayeesReader],
  exports: [PayeesReader, PayeesRepository],
})
export class PayeesModule {}
